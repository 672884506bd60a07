"""mmfewshot.detection.models.roi_heads.shared_heads."""

__all__: list[str] = []
