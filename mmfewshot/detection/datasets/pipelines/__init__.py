"""mmfewshot.detection.datasets.pipelines."""

__all__: list[str] = []
