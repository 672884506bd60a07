"""mmfewshot.classification.datasets."""

__all__: list[str] = []
