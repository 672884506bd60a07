import copy

import numpy as np
import pytest

from mmfewshot.detection.datasets import get_copy_dataset_type
from mmfewshot.registry import DATASETS


def snapshot(infos):
    return [(i['id'], {k: v.tolist() for k, v in i['ann'].items()}) for i in infos]


@pytest.fixture
def voc_source(voc_root):
    return DATASETS.build(
        dict(
            type='FewShotVOCDataset',
            ann_cfg=[
                dict(
                    type='ann_file', ann_file=str(voc_root / 'VOC2007/ImageSets/Main/trainval.txt')
                )
            ],
            img_prefix=str(voc_root),
            classes='ALL_CLASSES_SPLIT1',
        )
    )


def test_voc_copy_dataset_never_touches_the_source(voc_source):
    before = snapshot(voc_source.data_infos)
    copy_type = get_copy_dataset_type('FewShotVOCDataset')
    assert copy_type == 'FewShotVOCCopyDataset'
    ds = DATASETS.build(
        dict(
            type=copy_type,
            ann_cfg=[dict(data_infos=voc_source.data_infos)],
            img_prefix=voc_source.img_prefix,
            classes='ALL_CLASSES_SPLIT1',
            instance_wise=True,
            min_bbox_size=20,
            ann_shot_filter={'bird': 1},
        )
    )
    # 000001: aeroplane 40x30, bird 40x60; 000002: bird 25x25 (+1 ignored); 000003: cow,
    # aeroplane 5x5 -> ignore (min_bbox_size 20). One bird of the two is kept.
    labels = sorted(int(i['ann']['labels'][0]) for i in ds.data_infos)
    assert labels == [0, 15, 17]
    assert all(len(i['ann']['labels']) == 1 for i in ds.data_infos)
    assert snapshot(voc_source.data_infos) == before
    # the copied boxes keep the training frame (no second coordinate offset)
    first = next(i for i in ds.data_infos if i['ann']['labels'][0] == 0)
    np.testing.assert_array_equal(first['ann']['bboxes'], [[10, 10, 50, 40]])
    ds.data_infos[0]['ann']['bboxes'][0, 0] = -99
    assert snapshot(voc_source.data_infos) == before


def test_coco_copy_dataset_evaluates_from_its_infos(tmp_path, make_coco, coco_ann_fn):
    cats = [{'id': 4, 'name': 'cat'}, {'id': 8, 'name': 'dog'}]
    imgs = [{'id': 1, 'file_name': 'a.jpg', 'width': 50, 'height': 50}]
    anns = [coco_ann_fn(1, 1, 4, [1, 1, 20, 20]), coco_ann_fn(2, 1, 8, [25, 25, 20, 20])]
    path = make_coco(tmp_path / 'x.json', imgs, anns, cats)
    src = DATASETS.build(
        dict(
            type='FewShotCocoDataset',
            classes=['cat', 'dog'],
            ann_cfg=[dict(type='ann_file', ann_file=path)],
        )
    )
    ds = DATASETS.build(
        dict(
            type=get_copy_dataset_type('FewShotCocoDefaultDataset'),
            classes=['cat', 'dog'],
            test_mode=True,
            ann_cfg=[dict(data_infos=copy.deepcopy(src.data_infos))],
        )
    )
    dets = [[np.array([[1, 1, 21, 21, 0.9]], np.float32), np.zeros((0, 5), np.float32)]]
    out = ds.evaluate(dets, metric_items=['mAP'], logger='silent')
    assert out['bbox_mAP'] == 0.5  # cat found, dog missed


@pytest.mark.parametrize(
    'ann_cfg', [[], [dict(data_infos=[])], [dict(ann_file='x')], [dict(data_infos=[{'id': 1}])]]
)
def test_copy_dataset_rejects_bad_ann_cfg(ann_cfg):
    with pytest.raises(TypeError, match='FewShotVOCCopyDataset'):
        DATASETS.build(
            dict(type='FewShotVOCCopyDataset', ann_cfg=ann_cfg, classes='ALL_CLASSES_SPLIT1')
        )
