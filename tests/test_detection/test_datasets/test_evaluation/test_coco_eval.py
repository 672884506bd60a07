import numpy as np
import pytest

from mmfewshot.detection.core import COCO_METRIC_NAMES, evaluate_coco_split
from mmfewshot.detection.datasets.evaluation.coco_eval import load_coco_results, quiet_coco

GT = {
    'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 100, 'height': 100}],
    'annotations': [
        {
            'id': 1,
            'image_id': 1,
            'category_id': 7,
            'bbox': [10, 10, 40, 40],
            'area': 1600,
            'iscrowd': 0,
        },
        {
            'id': 2,
            'image_id': 1,
            'category_id': 9,
            'bbox': [50, 50, 40, 40],
            'area': 1600,
            'iscrowd': 0,
        },
    ],
    'categories': [{'id': 7, 'name': 'cat'}, {'id': 9, 'name': 'dog'}],
}
# a perfect cat detection, nothing for the dog
DETS = [{'image_id': 1, 'category_id': 7, 'bbox': [10, 10, 40, 40], 'score': 0.9}]


def test_evaluate_coco_split_keys_and_values(capsys):
    gt = quiet_coco(GT)
    dt = load_coco_results(gt, DETS)
    cat = evaluate_coco_split(gt, dt, 'bbox', [1], [7], prefix='NOVEL ', classwise=True)
    assert cat['NOVEL bbox_mAP'] == 1.0
    assert cat['NOVEL bbox_mAP_50'] == 1.0
    # medium-area box: small and large areas have no gt (-1 in pycocotools)
    assert cat['NOVEL bbox_mAP_s'] == -1.0
    assert cat['NOVEL bbox_mAP_copypaste'].startswith('1.000 1.000 1.000')
    both = evaluate_coco_split(gt, dt, 'bbox', [1], [7, 9], metric_items=['mAP'])
    assert both == {'bbox_mAP': 0.5, 'bbox_mAP_copypaste': both['bbox_mAP_copypaste']}
    assert 'per-class bbox AP' in capsys.readouterr().out


def test_evaluate_coco_split_proposals_are_class_agnostic():
    gt = quiet_coco(GT)
    dets = [
        {'image_id': 1, 'category_id': 7, 'bbox': [10, 10, 40, 40], 'score': 0.9},
        {'image_id': 1, 'category_id': 7, 'bbox': [50, 50, 40, 40], 'score': 0.8},
    ]
    dt = load_coco_results(gt, dets)
    out = evaluate_coco_split(
        gt,
        dt,
        'proposal',
        [1],
        [7, 9],
        proposal_nums=(1, 2, 3),
        metric_items=['AR@100', 'AR@300'],
        iou_thrs=np.array([0.5]),
    )
    # maxDets (1, 2, 3): AR@"100" is the first budget (1 box of 2), AR@"300" the second.
    assert out == {'AR@100': 0.5, 'AR@300': 1.0}


def test_evaluate_coco_split_rejects_unknown_item():
    gt = quiet_coco(GT)
    dt = load_coco_results(gt, DETS)
    with pytest.raises(KeyError, match="metric item 'mAP_xl' is not supported"):
        evaluate_coco_split(gt, dt, 'bbox', [1], [7], metric_items=['mAP_xl'])
    assert COCO_METRIC_NAMES['AR_l@1000'] == 11
