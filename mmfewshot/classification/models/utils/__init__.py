"""mmfewshot.classification.models.utils."""

__all__: list[str] = []
