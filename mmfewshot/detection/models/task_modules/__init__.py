"""mmfewshot.detection.models.task_modules."""

__all__: list[str] = []
