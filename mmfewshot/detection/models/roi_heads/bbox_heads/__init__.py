"""mmfewshot.detection.models.roi_heads.bbox_heads."""

__all__: list[str] = []
