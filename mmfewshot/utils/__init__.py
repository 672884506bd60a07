"""mmfewshot.utils."""

__all__: list[str] = []
