"""mmfewshot.classification.models.heads."""

__all__: list[str] = []
