"""mmfewshot.detection.models.roi_heads."""

__all__: list[str] = []
