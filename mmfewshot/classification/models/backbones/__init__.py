"""mmfewshot.classification.models.backbones."""

__all__: list[str] = []
