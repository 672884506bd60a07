"""mmfewshot.detection.models.backbones."""

__all__: list[str] = []
