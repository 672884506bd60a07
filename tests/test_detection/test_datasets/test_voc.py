import os.path as osp
from pathlib import Path

import numpy as np
import pytest

from mmfewshot.detection.datasets import FewShotVOCDataset
from mmfewshot.registry import DATASETS

SPLIT1 = 'ALL_CLASSES_SPLIT1'
AEROPLANE, BIRD, COW = 0, 15, 17  # indices in ALL_CLASSES_SPLIT1 (BASE then NOVEL)


def build(
    root: Path, lists=('VOC2007/ImageSets/Main/trainval.txt',), **kwargs
) -> FewShotVOCDataset:
    cfg = dict(
        type='FewShotVOCDataset',
        ann_cfg=[dict(type='ann_file', ann_file=str(root / p)) for p in lists],
        img_prefix=str(root),
        classes=SPLIT1,
        pipeline=None,
    )
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def by_id(ds: FewShotVOCDataset) -> dict:
    return {info['id']: info for info in ds.data_infos}


def test_voc_parses_xml_with_train_time_offset(voc_root):
    ds = build(voc_root)
    infos = by_id(ds)
    # 000004 has no object: dropped by filter_empty_gt at training time.
    assert sorted(infos) == ['000001', '000002', '000003']
    info = infos['000001']
    assert info['filename'] == 'VOC2007/JPEGImages/000001.jpg'
    assert (info['width'], info['height']) == (120, 100)
    ann = info['ann']
    # xmin/ymin move by -1 at training time; xmax/ymax stay.
    np.testing.assert_array_equal(ann['bboxes'], [[10, 10, 50, 40], [60, 20, 100, 80]])
    assert ann['bboxes'].dtype == np.float32
    assert ann['labels'].tolist() == [AEROPLANE, BIRD]
    assert ann['labels'].dtype == np.int64
    assert ann['bboxes_ignore'].shape == (0, 4)
    assert ds.flag.tolist() == [0, 0, 0]
    assert ds.CLASSES[AEROPLANE] == 'aeroplane'
    assert ds.CLASSES[BIRD] == 'bird'


def test_voc_test_mode_keeps_xml_coordinates_and_empty_images(voc_root):
    ds = build(voc_root, test_mode=True)
    infos = by_id(ds)
    assert sorted(infos) == ['000001', '000002', '000003', '000004']
    np.testing.assert_array_equal(infos['000001']['ann']['bboxes'][0], [11, 11, 50, 40])


def test_voc_difficult_goes_to_ignore_unless_use_difficult(voc_root):
    ann = by_id(build(voc_root))['000002']['ann']
    assert ann['labels'].tolist() == [BIRD]
    np.testing.assert_array_equal(ann['bboxes_ignore'], [[40, 40, 90, 90]])
    assert ann['labels_ignore'].tolist() == [BIRD]
    ann = by_id(build(voc_root, use_difficult=True))['000002']['ann']
    assert ann['labels'].tolist() == [BIRD, BIRD]
    assert ann['bboxes_ignore'].shape == (0, 4)


def test_voc_min_bbox_area_ignores_small_boxes(voc_root):
    ann = by_id(build(voc_root, min_bbox_area=100))['000003']['ann']
    # aeroplane [1,1,5,5] -> [0,0,5,5] at train time: area 25 < 100.
    assert ann['labels'].tolist() == [COW]
    assert ann['labels_ignore'].tolist() == [AEROPLANE]


def test_voc_split_names_select_classes(voc_root):
    base = build(voc_root, classes='BASE_CLASSES_SPLIT1')
    assert len(base.CLASSES) == 15
    # only base objects are loaded; 000002 (birds only) has nothing left and is dropped.
    assert sorted(by_id(base)) == ['000001', '000003']
    novel = build(voc_root, classes='NOVEL_CLASSES_SPLIT1')
    assert novel.CLASSES == ['bird', 'bus', 'cow', 'motorbike', 'sofa']
    assert novel.split_id == 1
    assert by_id(novel)['000003']['ann']['labels'].tolist() == [2]


def test_voc_two_years_and_tfa_style_paths(voc_root, tmp_path):
    ds = build(
        voc_root,
        lists=('VOC2007/ImageSets/Main/trainval.txt', 'VOC2012/ImageSets/Main/trainval.txt'),
    )
    info = by_id(ds)['2008_000001']
    assert info['filename'] == 'VOC2012/JPEGImages/2008_000001.jpg'
    assert info['ann']['labels'].tolist() == [AEROPLANE, AEROPLANE, ds.CLASSES.index('dog')]
    # A TFA split file lists image paths; the year comes from the path.
    split_file = tmp_path / 'box_1shot_aeroplane_train.txt'
    split_file.write_text(
        'datasets/VOC2012/JPEGImages/2008_000001.jpg\nVOC2007/JPEGImages/000001.jpg\n'
    )
    ds = DATASETS.build(
        dict(
            type='FewShotVOCDataset',
            ann_cfg=[dict(type='ann_file', ann_file=str(split_file), ann_classes=['aeroplane'])],
            img_prefix=str(voc_root),
            classes=SPLIT1,
        )
    )
    assert [info['id'] for info in ds.data_infos] == ['2008_000001', '000001']
    assert [info['ann']['labels'].tolist() for info in ds.data_infos] == [[0, 0], [0]]


def test_voc_merges_per_class_files_of_the_same_image(voc_root, tmp_path):
    files = []
    for name in ('aeroplane', 'bird'):
        f = tmp_path / f'{name}.txt'
        f.write_text('VOC2007/JPEGImages/000001.jpg\n')
        files.append(dict(type='ann_file', ann_file=str(f), ann_classes=[name]))
    ds = DATASETS.build(
        dict(type='FewShotVOCDataset', ann_cfg=files, img_prefix=str(voc_root), classes=SPLIT1)
    )
    assert len(ds) == 1
    assert ds.data_infos[0]['ann']['labels'].tolist() == [AEROPLANE, BIRD]


def test_voc_missing_size_reads_the_image(voc_root, make_voc):
    make_voc(
        voc_root,
        'VOC2007',
        [('000009', 130, 90, [('cow', [1, 1, 20, 20], 0)])],
        list_name='nosize',
        with_size=False,
    )
    ds = build(voc_root, lists=('VOC2007/ImageSets/Main/nosize.txt',))
    assert (ds.data_infos[0]['width'], ds.data_infos[0]['height']) == (130, 90)


def test_voc_num_shots_cap_instances_per_class(voc_root):
    lists = ('VOC2007/ImageSets/Main/trainval.txt', 'VOC2012/ImageSets/Main/trainval.txt')
    with pytest.warns(UserWarning, match=r'16 classes have fewer.*bicycle \(0/1\)'):
        ds = build(voc_root, lists=lists, num_novel_shots=1, num_base_shots=1)
    labels = np.concatenate([info['ann']['labels'] for info in ds.data_infos])
    counts = {ds.CLASSES[c]: int((labels == c).sum()) for c in set(labels.tolist())}
    # before: aeroplane 4 (000001, 000003, 2x 2008_000001), bird 2, cow 1, dog 1.
    assert counts == {'aeroplane': 1, 'bird': 1, 'cow': 1, 'dog': 1}
    with pytest.warns(UserWarning, match='fewer instances than the shots asked'):
        again = build(voc_root, lists=lists, num_novel_shots=1, num_base_shots=1)
    assert [i['id'] for i in again.data_infos] == [i['id'] for i in ds.data_infos]


def test_voc_evaluate_matches_hand_computed_ap(voc_root, make_voc):
    # One class with hand-made detections (see tests/test_detection/test_core/test_mean_ap.py
    # for the derivation): aeroplane 11-point AP = 8.2 / 11; bird has a gt and no detection.
    make_voc(
        voc_root,
        'VOC2007',
        [
            (
                '100001',
                64,
                64,
                [
                    ('aeroplane', [0, 0, 9, 9], 0),
                    ('aeroplane', [20, 20, 29, 29], 0),
                    ('aeroplane', [40, 40, 49, 49], 1),
                ],
            ),
            ('100002', 64, 64, [('aeroplane', [0, 0, 19, 19], 0), ('bird', [10, 10, 29, 29], 0)]),
        ],
        list_name='test',
    )
    ds = build(voc_root, lists=('VOC2007/ImageSets/Main/test.txt',), test_mode=True)
    n = len(ds.CLASSES)
    # Detections in the training frame: xmin, ymin one pixel lower than the XML frame.
    shift = np.array([-1, -1, 0, 0, 0], dtype=np.float32)
    dets_a = (
        np.array(
            [[0, 0, 9, 9, 0.9], [40, 40, 49, 49, 0.8], [0, 0, 9, 9, 0.7], [20, 20, 29, 31, 0.4]],
            dtype=np.float32,
        )
        + shift
    )
    dets_b = np.array([[50, 50, 60, 60, 0.6], [0, 0, 19, 19, 0.5]], dtype=np.float32) + shift
    empty = np.zeros((0, 5), dtype=np.float32)
    results = [
        [dets_a if c == AEROPLANE else empty for c in range(n)],
        [dets_b if c == AEROPLANE else empty for c in range(n)],
    ]
    before = [r[AEROPLANE].copy() for r in results]
    out = ds.evaluate(
        results, iou_thr=[0.5, 0.9], class_splits=['BASE_CLASSES_SPLIT1', 'NOVEL_CLASSES_SPLIT1']
    )
    ap50, ap90 = 8.2 / 11, 5.5 / 11
    assert out['BASE_CLASSES_SPLIT1: AP50'] == pytest.approx(round(ap50, 3))
    assert out['NOVEL_CLASSES_SPLIT1: AP50'] == 0.0
    assert out['AP50'] == pytest.approx(round(ap50 / 2, 3))
    assert out['AP90'] == pytest.approx(round(ap90 / 2, 3))
    assert out['mAP'] == pytest.approx((ap50 / 2 + ap90 / 2) / 2, abs=1e-6)
    assert next(iter(out)) == 'mAP'
    for r, b in zip(results, before, strict=True):
        np.testing.assert_array_equal(r[AEROPLANE], b)  # results are not modified
    area = ds.evaluate(results, eval_mode='area', logger='silent')
    assert area['AP50'] == pytest.approx(round((1 / 3 + 0.2 + 0.2) / 2, 3))


def test_voc_evaluate_recall(voc_root):
    ds = build(voc_root, test_mode=True)
    # proposals equal to the gt boxes of each image (train frame = xml - [1,1,0,0]).
    props = []
    for i in range(len(ds)):
        gt = ds.get_ann_info(i)['bboxes'] + np.array([-1, -1, 0, 0], dtype=np.float32)
        props.append(np.hstack([gt, np.ones((len(gt), 1), np.float32)]))
    out = ds.evaluate(
        props, metric='recall', proposal_nums=(1, 10), iou_thr=[0.5, 0.7], logger='silent'
    )
    # 5 gts (the difficult bird is ignored); one proposal per image recalls 3 of them.
    assert out['recall@10@0.5'] == pytest.approx(1.0)
    assert out['recall@1@0.5'] == pytest.approx(3 / 5)
    assert out['AR@1'] == pytest.approx(3 / 5)


def test_voc_evaluate_rejects_bad_input(voc_root):
    ds = build(voc_root, test_mode=True)
    with pytest.raises(ValueError, match='got 1 results for 4 images'):
        ds.evaluate([[]])
    with pytest.raises(KeyError, match="unknown split 'BASE_SPLIT9'"):
        ds.evaluate([[np.zeros((0, 5))] * 20] * 4, class_splits=['BASE_SPLIT9'])
    with pytest.raises(ValueError, match='result 0 has 2 class arrays for 20 classes'):
        ds.evaluate([[np.zeros((0, 5))] * 2] * 4)
    with pytest.raises(KeyError, match="metric='bbox' is not supported"):
        ds.evaluate([], metric='bbox')


@pytest.mark.parametrize(
    ('objects', 'match'),
    [
        (['<object><name>cow</name><difficult>0</difficult></object>'], 'has no <bndbox>'),
        ([('cow', [50, 10, 20, 40], 0)], 'xmax < xmin'),
        ([('cow', [10, 10, 200, 40], 0)], 'outside the 120x100 image'),
    ],
)
def test_voc_bad_xml_names_the_file(tmp_path, make_voc, objects, match):
    make_voc(tmp_path, 'VOC2007', [('000001', 120, 100, objects)])
    with pytest.raises(ValueError, match=match) as info:
        build(tmp_path)
    assert osp.join('VOC2007', 'Annotations', '000001.xml') in str(info.value)


def test_voc_missing_files_are_named(voc_root, make_voc):
    with pytest.raises(FileNotFoundError, match=r"annotation file '.*nope\.txt'.*does not exist"):
        build(voc_root, lists=('VOC2007/ImageSets/Main/nope.txt',))
    (voc_root / 'VOC2007' / 'ImageSets' / 'Main' / 'ghost.txt').write_text('999999\n')
    with pytest.raises(FileNotFoundError, match=r'999999\.xml.*does not exist'):
        build(voc_root, lists=('VOC2007/ImageSets/Main/ghost.txt',))
    make_voc(
        voc_root,
        'VOC2007',
        [('000010', 50, 50, [('cow', [1, 1, 9, 9], 0)])],
        list_name='noimg',
        with_size=False,
        write_images=False,
    )
    with pytest.raises(FileNotFoundError, match=r"image '.*000010\.jpg' does not exist"):
        build(voc_root, lists=('VOC2007/ImageSets/Main/noimg.txt',))
    (voc_root / 'VOC2007' / 'JPEGImages' / '000010.jpg').write_bytes(b'not a jpeg')
    with pytest.raises(ValueError, match=r'000010\.jpg is not a readable image'):
        build(voc_root, lists=('VOC2007/ImageSets/Main/noimg.txt',))


def test_voc_bad_class_arguments(voc_root):
    with pytest.raises(KeyError, match="unknown class split 'ALL_CLASSES_SPLIT4'"):
        build(voc_root, classes='ALL_CLASSES_SPLIT4')
    with pytest.raises(ValueError, match="class 'zebra', which is not in classes"):
        build(voc_root, ann_shot_filter={'zebra': 1})
    cfg = [
        dict(
            type='ann_file',
            ann_file=str(voc_root / 'VOC2007/ImageSets/Main/trainval.txt'),
            ann_classes=['zebra'],
        )
    ]
    with pytest.raises(ValueError, match=r"ann_cfg\[0\].ann_classes names class 'zebra'"):
        DATASETS.build(
            dict(type='FewShotVOCDataset', ann_cfg=cfg, img_prefix=str(voc_root), classes=SPLIT1)
        )
    with pytest.raises(ValueError, match='need classes to be a split name'):
        build(voc_root, classes=['aeroplane', 'bird'], num_novel_shots=1)


def test_voc_items_through_the_real_detection_pipeline(voc_root):
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='DefaultFormatBundle'),
        dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
    ]
    ds = build(voc_root, pipeline=pipeline)
    item = ds[0]
    assert tuple(item['img'].data.shape) == (3, 100, 120)
    np.testing.assert_array_equal(
        item['gt_bboxes'].data.numpy(), [[10, 10, 50, 40], [60, 20, 100, 80]]
    )
    assert item['gt_labels'].data.tolist() == [AEROPLANE, BIRD]
    assert item['img_metas'].data['ori_filename'] == 'VOC2007/JPEGImages/000001.jpg'
    support = build(voc_root, multi_pipelines={'support': pipeline}).prepare_train_img(
        0, 'support', [1]
    )
    assert support['gt_labels'].data.tolist() == [BIRD]
    (voc_root / 'VOC2007' / 'JPEGImages' / '000002.jpg').unlink()
    with pytest.raises(FileNotFoundError, match=r'000002\.jpg does not exist'):
        ds[1]
