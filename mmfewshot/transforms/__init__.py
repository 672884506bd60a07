"""mmfewshot.transforms."""

__all__: list[str] = []
