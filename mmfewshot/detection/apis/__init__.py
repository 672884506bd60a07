"""mmfewshot.detection.apis."""

__all__: list[str] = []
