"""mmfewshot.classification.models."""

__all__: list[str] = []
