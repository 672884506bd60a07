"""mmfewshot.classification.core."""

__all__: list[str] = []
