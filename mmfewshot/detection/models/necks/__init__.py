"""mmfewshot.detection.models.necks."""

__all__: list[str] = []
