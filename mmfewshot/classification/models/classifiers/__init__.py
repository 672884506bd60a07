"""mmfewshot.classification.models.classifiers."""

__all__: list[str] = []
