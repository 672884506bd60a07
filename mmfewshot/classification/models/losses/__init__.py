"""mmfewshot.classification.models.losses."""

__all__: list[str] = []
