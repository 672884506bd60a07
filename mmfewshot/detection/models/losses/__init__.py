"""mmfewshot.detection.models.losses."""

__all__: list[str] = []
