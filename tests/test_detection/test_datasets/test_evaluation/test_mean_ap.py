import numpy as np
import pytest

from mmfewshot.detection.core import average_precision, eval_map, tpfp_default

# Hand-built case, class 0, VOC devkit conventions (pixel-inclusive boxes: a box
# [0, 0, 9, 9] is 10 x 10 pixels).
#   image A: gt G1 [0,0,9,9], G2 [20,20,29,29]; difficult (ignored) D [40,40,49,49]
#   image B: gt G3 [0,0,19,19]                      -> 3 counted ground truths
# detections, by decreasing score:
#   d1 A [0,0,9,9]      .9  IoU(G1)=1            TP
#   d2 A [40,40,49,49]  .8  matches the difficult D: neither TP nor FP
#   d3 A [0,0,9,9]      .7  G1 already taken     FP
#   d4 B [50,50,60,60]  .6  no overlap           FP
#   d5 B [0,0,19,19]    .5  IoU(G3)=1            TP
#   d6 A [20,20,29,31]  .4  IoU(G2)=100/120=.833 TP at iou_thr .5, FP at .9
# iou_thr 0.5: cumulative TP 1 1 1 1 2 3, FP 0 0 1 2 2 2
#   recall    1/3 1/3 1/3 1/3 2/3 1
#   precision 1   1   1/2 1/3 1/2 3/5
#   11-point: thresholds 0,.1,.2,.3 -> best precision at recall >= t is 1;
#             .4,.5,.6 -> max(1/2, 3/5) = .6; .7,.8,.9,1 -> .6
#             AP = (4 * 1 + 7 * .6) / 11 = 8.2 / 11
#   area:     precision envelope 1 up to recall 1/3, then .6:
#             AP = 1/3 * 1 + 1/3 * .6 + 1/3 * .6 = .7333
# iou_thr 0.9: d6 becomes FP: TP 1 1 1 1 2 2, FP 0 0 1 2 2 3
#   recall 1/3 1/3 1/3 1/3 2/3 2/3, precision 1 1 1/2 1/3 1/2 2/5
#   11-point: 4 * 1 + 3 * .5 (t = .4,.5,.6) + 4 * 0 -> AP = 5.5 / 11 = .5
# class 1 has one gt (image B) and no detection: AP 0, counted in the mean.
# class 2 has no gt and one detection: AP 0, NOT counted in the mean.
ANNS = [
    {
        'bboxes': np.array([[0, 0, 9, 9], [20, 20, 29, 29]], np.float32),
        'labels': np.array([0, 0]),
        'bboxes_ignore': np.array([[40, 40, 49, 49]], np.float32),
        'labels_ignore': np.array([0]),
    },
    {
        'bboxes': np.array([[0, 0, 19, 19], [10, 10, 29, 29]], np.float32),
        'labels': np.array([0, 1]),
        'bboxes_ignore': np.zeros((0, 4), np.float32),
        'labels_ignore': np.zeros((0,), np.int64),
    },
]
EMPTY = np.zeros((0, 5), np.float32)
DETS_A = np.array(
    [[0, 0, 9, 9, 0.9], [40, 40, 49, 49, 0.8], [0, 0, 9, 9, 0.7], [20, 20, 29, 31, 0.4]],
    np.float32,
)
DETS_B = np.array([[50, 50, 60, 60, 0.6], [0, 0, 19, 19, 0.5]], np.float32)
RESULTS = [
    [DETS_A, EMPTY, np.array([[0, 0, 5, 5, 0.3]], np.float32)],
    [DETS_B, EMPTY, EMPTY],
]


def test_eval_map_voc07_equals_hand_computation():
    mean_ap, per_class = eval_map(
        RESULTS, ANNS, classes=['a', 'b', 'c'], dataset='voc07', use_legacy_coordinate=True
    )
    assert per_class[0]['ap'] == pytest.approx(8.2 / 11)
    np.testing.assert_allclose(per_class[0]['recall'], [1 / 3, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(per_class[0]['precision'], [1, 1, 1 / 2, 1 / 3, 1 / 2, 3 / 5])
    assert per_class[0]['num_gts'] == 3
    assert per_class[0]['num_dets'] == 6
    assert per_class[1]['ap'] == 0.0
    assert per_class[1]['num_gts'] == 1
    assert per_class[2]['num_gts'] == 0
    assert mean_ap == pytest.approx((8.2 / 11 + 0.0) / 2)


def test_eval_map_area_mode_and_stricter_threshold():
    _, per_class = eval_map(RESULTS, ANNS, use_legacy_coordinate=True, logger='silent')
    assert per_class[0]['ap'] == pytest.approx(1 / 3 + 0.6 / 3 + 0.6 / 3)
    mean_ap, per_class = eval_map(
        RESULTS, ANNS, iou_thr=0.9, eval_mode='11points', use_legacy_coordinate=True
    )
    assert per_class[0]['ap'] == pytest.approx(0.5)
    assert mean_ap == pytest.approx(0.25)


def test_eval_map_logs_a_per_class_table(capsys):
    eval_map(RESULTS, ANNS, classes=['plane', 'bike', 'cat'], dataset='voc07')
    out = capsys.readouterr().out
    assert '| class' in out
    assert 'plane' in out
    assert '| mAP' in out


def test_eval_map_scale_ranges_split_by_box_size():
    # G1 and d1 etc. are 10x10 (area 100, legacy); G3 is 20x20 (area 400).
    mean_ap, per_class = eval_map(
        RESULTS,
        ANNS,
        scale_ranges=[(0, 15), (15, 100)],
        dataset='voc07',
        use_legacy_coordinate=True,
        logger='silent',
    )
    assert per_class[0]['num_gts'].tolist() == [2, 1]
    assert mean_ap.shape == (2,)


def test_average_precision_counts_a_recall_of_exactly_point_three():
    # recall reaches 0.3 exactly: thresholds 0, .1, .2, .3 get precision 1 -> 4 / 11.
    ap = average_precision(np.array([0.1, 0.3]), np.array([1.0, 1.0]), '11points')
    assert ap == pytest.approx(4 / 11)
    with pytest.raises(ValueError, match="mode='x' is not supported"):
        average_precision(np.array([0.1]), np.array([1.0]), 'x')


def test_tpfp_default_without_gt_marks_all_detections_false():
    tp, fp = tpfp_default(DETS_B, np.zeros((0, 4)), None, 0.5)
    assert tp.tolist() == [[0, 0]]
    assert fp.tolist() == [[1, 1]]


def test_eval_map_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match='results for 1 images but 2 annotations'):
        eval_map(RESULTS[:1], ANNS)
    with pytest.raises(ValueError, match='result 1 has 2 class arrays, result 0 has 3'):
        eval_map([RESULTS[0], RESULTS[1][:2]], ANNS)
