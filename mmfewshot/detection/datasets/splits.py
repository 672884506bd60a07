"""Published class splits of the few-shot detection benchmarks.

``VOC_SPLIT`` holds the three PASCAL VOC base/novel splits of Kang et al.
(ICCV 2019), as used by TFA and the original MMFewShot: for each split ``n``,
``BASE_CLASSES_SPLIT{n}`` (15 classes), ``NOVEL_CLASSES_SPLIT{n}`` (5 classes)
and ``ALL_CLASSES_SPLIT{n}`` = BASE followed by NOVEL; label ids follow the ALL
order. ``COCO_SPLIT`` holds the 80 COCO classes in category-id order
(``ALL_CLASSES``), the 20 VOC classes as ``NOVEL_CLASSES`` and the other 60 as
``BASE_CLASSES`` (in ALL order).

The tables are read-only by convention: values are tuples; never edit them.
"""

from __future__ import annotations

_VOC_BASE1 = (
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
)

_VOC_NOVEL1 = (
    'bird',
    'bus',
    'cow',
    'motorbike',
    'sofa',
)

_VOC_BASE2 = (
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
)

_VOC_NOVEL2 = (
    'aeroplane',
    'bottle',
    'cow',
    'horse',
    'sofa',
)

_VOC_BASE3 = (
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
)

_VOC_NOVEL3 = (
    'boat',
    'cat',
    'motorbike',
    'sheep',
    'sofa',
)

_COCO_ALL = (
    'person',
    'bicycle',
    'car',
    'motorcycle',
    'airplane',
    'bus',
    'train',
    'truck',
    'boat',
    'traffic light',
    'fire hydrant',
    'stop sign',
    'parking meter',
    'bench',
    'bird',
    'cat',
    'dog',
    'horse',
    'sheep',
    'cow',
    'elephant',
    'bear',
    'zebra',
    'giraffe',
    'backpack',
    'umbrella',
    'handbag',
    'tie',
    'suitcase',
    'frisbee',
    'skis',
    'snowboard',
    'sports ball',
    'kite',
    'baseball bat',
    'baseball glove',
    'skateboard',
    'surfboard',
    'tennis racket',
    'bottle',
    'wine glass',
    'cup',
    'fork',
    'knife',
    'spoon',
    'bowl',
    'banana',
    'apple',
    'sandwich',
    'orange',
    'broccoli',
    'carrot',
    'hot dog',
    'pizza',
    'donut',
    'cake',
    'chair',
    'couch',
    'potted plant',
    'bed',
    'dining table',
    'toilet',
    'tv',
    'laptop',
    'mouse',
    'remote',
    'keyboard',
    'cell phone',
    'microwave',
    'oven',
    'toaster',
    'sink',
    'refrigerator',
    'book',
    'clock',
    'vase',
    'scissors',
    'teddy bear',
    'hair drier',
    'toothbrush',
)

_COCO_NOVEL = (
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
)

VOC_SPLIT: dict[str, tuple[str, ...]] = {
    'ALL_CLASSES_SPLIT1': _VOC_BASE1 + _VOC_NOVEL1,
    'ALL_CLASSES_SPLIT2': _VOC_BASE2 + _VOC_NOVEL2,
    'ALL_CLASSES_SPLIT3': _VOC_BASE3 + _VOC_NOVEL3,
    'NOVEL_CLASSES_SPLIT1': _VOC_NOVEL1,
    'NOVEL_CLASSES_SPLIT2': _VOC_NOVEL2,
    'NOVEL_CLASSES_SPLIT3': _VOC_NOVEL3,
    'BASE_CLASSES_SPLIT1': _VOC_BASE1,
    'BASE_CLASSES_SPLIT2': _VOC_BASE2,
    'BASE_CLASSES_SPLIT3': _VOC_BASE3,
}

COCO_SPLIT: dict[str, tuple[str, ...]] = {
    'ALL_CLASSES': _COCO_ALL,
    'NOVEL_CLASSES': _COCO_NOVEL,
    'BASE_CLASSES': tuple(name for name in _COCO_ALL if name not in _COCO_NOVEL),
}

__all__ = ['COCO_SPLIT', 'VOC_SPLIT']
