"""mmfewshot.detection.models.utils."""

__all__: list[str] = []
