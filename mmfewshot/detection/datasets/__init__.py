"""mmfewshot.detection.datasets."""

__all__: list[str] = []
