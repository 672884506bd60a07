from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.detection.datasets.pipelines.utils import check_results_list, single_box


def test_single_box() -> None:
    box = single_box({'gt_bboxes': np.array([[1, 2, 3, 4]], np.float32)}, 'T')
    np.testing.assert_array_equal(box, [1, 2, 3, 4])
    with pytest.raises(
        ValueError, match=r'T needs exactly one gt box per image, got 0 \(image a\.jpg\)'
    ):
        single_box({'gt_bboxes': np.zeros((0, 4)), 'filename': 'a.jpg'}, 'T')
    with pytest.raises(KeyError, match='put LoadAnnotations'):
        single_box({}, 'T')


def test_check_results_list() -> None:
    check_results_list([{}, {}], 'T', 2)
    with pytest.raises(TypeError, match='T expects a list of results dicts'):
        check_results_list({}, 'T')
    with pytest.raises(ValueError, match='T has 1 crop sizes but got 2 scales'):
        check_results_list([{}, {}], 'T', 1)
