"""mmfewshot.detection.models.detectors."""

__all__: list[str] = []
