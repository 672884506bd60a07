import numpy as np
import pytest

from mmfewshot.detection.core import eval_recalls


def test_eval_recalls_by_hand():
    # image 1: two gts; proposals sorted by score: p1 hits gt1 exactly, p2 hits gt2 with
    # IoU 50/150 = 1/3, p3 (lowest score) hits gt2 exactly.
    gts = [
        np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32),
        np.array([[0, 0, 4, 4]], np.float32),
    ]
    props = [
        np.array([[20, 20, 30, 30, 0.1], [0, 0, 10, 10, 0.9], [25, 20, 35, 30, 0.5]], np.float32),
        np.zeros((0, 5), np.float32),  # image 2: no proposal, its gt is missed
    ]
    recalls = eval_recalls(
        gts, props, proposal_nums=(1, 2, 3), iou_thrs=[0.3, 0.5], logger='silent'
    )
    # top-1: gt1 only -> 1/3 at both thresholds; top-2: + gt2 at IoU 1/3 (>= .3, < .5);
    # top-3: gt2 matched exactly -> 2/3 at both.
    np.testing.assert_allclose(recalls, [[1 / 3, 1 / 3], [2 / 3, 1 / 3], [2 / 3, 2 / 3]])


def test_eval_recalls_one_to_one_matching():
    # one proposal cannot recall two overlapping gts.
    gts = [np.array([[0, 0, 10, 10], [0, 0, 10, 11]], np.float32)]
    props = [np.array([[0, 0, 10, 10]], np.float32)]
    assert eval_recalls(gts, props, [5], 0.5, logger='silent').tolist() == [[0.5]]


def test_eval_recalls_checks_lengths():
    with pytest.raises(ValueError, match='proposals for 0 images but ground truth for 1'):
        eval_recalls([np.zeros((1, 4))], [])
