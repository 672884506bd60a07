"""mmfewshot.classification.apis."""

__all__: list[str] = []
