import mmfewshot.detection.core as core
from mmfewshot.detection.datasets import evaluation


def test_core_reexports_the_metric_functions_at_their_documented_path() -> None:
    for name in evaluation.__all__:
        assert getattr(core, name) is getattr(evaluation, name)
    assert core.eval_map is evaluation.eval_map
