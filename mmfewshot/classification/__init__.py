"""mmfewshot.classification."""

__all__: list[str] = []
