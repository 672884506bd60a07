from mmfewshot.detection.datasets import COCO_SPLIT, VOC_SPLIT

# The published lists (Kang et al. ICCV 2019 / TFA; MMFewShot 0.1), written out here.
VOC_NOVEL = {
    1: ['bird', 'bus', 'cow', 'motorbike', 'sofa'],
    2: ['aeroplane', 'bottle', 'cow', 'horse', 'sofa'],
    3: ['boat', 'cat', 'motorbike', 'sheep', 'sofa'],
}
VOC_BASE = {
    1: [
        'aeroplane',
        'bicycle',
        'boat',
        'bottle',
        'car',
        'cat',
        'chair',
        'diningtable',
        'dog',
        'horse',
        'person',
        'pottedplant',
        'sheep',
        'train',
        'tvmonitor',
    ],
    2: [
        'bicycle',
        'bird',
        'boat',
        'bus',
        'car',
        'cat',
        'chair',
        'diningtable',
        'dog',
        'motorbike',
        'person',
        'pottedplant',
        'sheep',
        'train',
        'tvmonitor',
    ],
    3: [
        'aeroplane',
        'bicycle',
        'bird',
        'bottle',
        'bus',
        'car',
        'chair',
        'cow',
        'diningtable',
        'dog',
        'horse',
        'person',
        'pottedplant',
        'train',
        'tvmonitor',
    ],
}
COCO_NOVEL = [
    'person',
    'bicycle',
    'car',
    'motorcycle',
    'airplane',
    'bus',
    'train',
    'boat',
    'bird',
    'cat',
    'dog',
    'horse',
    'sheep',
    'cow',
    'bottle',
    'chair',
    'couch',
    'potted plant',
    'dining table',
    'tv',
]


def test_voc_split_lists_are_the_published_ones():
    assert len(VOC_SPLIT) == 9
    for n in (1, 2, 3):
        assert list(VOC_SPLIT[f'BASE_CLASSES_SPLIT{n}']) == VOC_BASE[n]
        assert list(VOC_SPLIT[f'NOVEL_CLASSES_SPLIT{n}']) == VOC_NOVEL[n]
        # ALL = BASE then NOVEL: label ids follow this order
        assert list(VOC_SPLIT[f'ALL_CLASSES_SPLIT{n}']) == VOC_BASE[n] + VOC_NOVEL[n]
        assert len(set(VOC_SPLIT[f'ALL_CLASSES_SPLIT{n}'])) == 20


def test_coco_split_lists_are_the_published_ones():
    all_classes = list(COCO_SPLIT['ALL_CLASSES'])
    assert len(all_classes) == 80
    assert all_classes[:5] == ['person', 'bicycle', 'car', 'motorcycle', 'airplane']
    assert all_classes[-3:] == ['teddy bear', 'hair drier', 'toothbrush']
    assert all_classes.index('traffic light') == 9
    assert list(COCO_SPLIT['NOVEL_CLASSES']) == COCO_NOVEL
    base = list(COCO_SPLIT['BASE_CLASSES'])
    assert len(base) == 60
    assert base[:3] == ['truck', 'traffic light', 'fire hydrant']
    assert base == [c for c in all_classes if c not in COCO_NOVEL]
