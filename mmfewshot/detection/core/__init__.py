"""mmfewshot.detection.core."""

__all__: list[str] = []
