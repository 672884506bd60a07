"""mmfewshot.classification.datasets.pipelines."""

__all__: list[str] = []
