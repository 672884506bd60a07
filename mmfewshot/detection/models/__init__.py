"""mmfewshot.detection.models."""

__all__: list[str] = []
