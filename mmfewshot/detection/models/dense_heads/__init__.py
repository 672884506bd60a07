"""mmfewshot.detection.models.dense_heads."""

__all__: list[str] = []
