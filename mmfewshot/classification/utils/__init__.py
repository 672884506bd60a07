"""mmfewshot.classification.utils."""

__all__: list[str] = []
