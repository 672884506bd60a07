"""Meta-test API of MMFewShot 0.x (``mmfewshot.classification.apis.test``).

The loops live in :mod:`mmfewshot.classification.core.evaluation.meta_test`
(the evaluation hooks of ``core`` use them too, and ``core`` may not import
``apis``); this module keeps the documented import path.
"""

from mmfewshot.classification.core.evaluation.confidence_interval import Z_SCORE
from mmfewshot.classification.core.evaluation.meta_test import (
    extract_features_for_fast_test,
    multi_gpu_meta_test,
    single_gpu_meta_test,
    test_single_task,
)

__all__ = [
    'Z_SCORE',
    'extract_features_for_fast_test',
    'multi_gpu_meta_test',
    'single_gpu_meta_test',
    'test_single_task',
]
