"""mmfewshot.detection.utils."""

__all__: list[str] = []
