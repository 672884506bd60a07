"""Fixtures that write tiny VOC- and COCO-format datasets into ``tmp_path``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

# (name, [xmin, ymin, xmax, ymax], difficult)
VOCObj = tuple[str, Sequence[float], int]
# (image id, width, height, objects)
VOCImage = tuple[str, int, int, Sequence[VOCObj]]


def _voc_xml(img_id: str, width: int | None, height: int | None, objects: Sequence[Any]) -> str:
    parts = ['<annotation>', f'<filename>{img_id}.jpg</filename>']
    if width is not None:
        parts.append(
            f'<size><width>{width}</width><height>{height}</height><depth>3</depth></size>'
        )
    for obj in objects:
        if isinstance(obj, str):  # raw XML of a malformed object
            parts.append(obj)
            continue
        name, box, difficult = obj
        parts.append(
            f'<object><name>{name}</name><difficult>{difficult}</difficult><bndbox>'
            f'<xmin>{box[0]}</xmin><ymin>{box[1]}</ymin><xmax>{box[2]}</xmax><ymax>{box[3]}</ymax>'
            '</bndbox></object>'
        )
    parts.append('</annotation>')
    return '\n'.join(parts)


@pytest.fixture
def make_voc() -> Callable[..., str]:
    """Returns ``make_voc(root, subset, images, list_name='trainval', with_size=True)``.

    Writes ``{root}/{subset}/{Annotations,JPEGImages,ImageSets/Main/{list_name}.txt}``
    and returns the path of the image list.
    """

    def make(
        root: Path,
        subset: str,
        images: Sequence[VOCImage],
        list_name: str = 'trainval',
        with_size: bool = True,
        write_images: bool = True,
    ) -> str:
        ann_dir = root / subset / 'Annotations'
        img_dir = root / subset / 'JPEGImages'
        set_dir = root / subset / 'ImageSets' / 'Main'
        for folder in (ann_dir, img_dir, set_dir):
            folder.mkdir(parents=True, exist_ok=True)
        for img_id, width, height, objects in images:
            xml = _voc_xml(img_id, width if with_size else None, height, objects)
            (ann_dir / f'{img_id}.xml').write_text(xml)
            if write_images:
                pixels = np.full((height, width, 3), 127, dtype=np.uint8)
                Image.fromarray(pixels).save(img_dir / f'{img_id}.jpg')
        list_file = set_dir / f'{list_name}.txt'
        list_file.write_text(''.join(f'{img[0]}\n' for img in images))
        return str(list_file)

    return make


@pytest.fixture
def voc_root(tmp_path: Path, make_voc: Callable[..., str]) -> Path:
    """A VOC07 + VOC12 tree with split-1 classes (aeroplane base, bird/cow novel).

    VOC2007 trainval: 000001 (aeroplane, bird), 000002 (bird, difficult bird),
    000003 (cow, small aeroplane 4x4), 000004 (no object); VOC2012 trainval:
    2008_000001 (aeroplane x2, dog). Images are 120x100.
    """
    make_voc(
        tmp_path,
        'VOC2007',
        [
            (
                '000001',
                120,
                100,
                [('aeroplane', [11, 11, 50, 40], 0), ('bird', [61, 21, 100, 80], 0)],
            ),
            ('000002', 120, 100, [('bird', [6, 6, 30, 30], 0), ('bird', [41, 41, 90, 90], 1)]),
            ('000003', 120, 100, [('cow', [21, 21, 70, 60], 0), ('aeroplane', [1, 1, 5, 5], 0)]),
            ('000004', 120, 100, []),
        ],
    )
    make_voc(
        tmp_path,
        'VOC2012',
        [
            (
                '2008_000001',
                120,
                100,
                [
                    ('aeroplane', [11, 11, 60, 60], 0),
                    ('aeroplane', [61, 11, 110, 60], 0),
                    ('dog', [1, 61, 40, 99], 0),
                ],
            ),
        ],
    )
    return tmp_path


@pytest.fixture
def voc_many(tmp_path: Path, make_voc: Callable[..., str]) -> Path:
    """``{tmp_path}/VOCdevkit/VOC2007``: per class of the 20 VOC classes, three images with 1
    (+1 difficult), 1 and 2 instances. No image files (the XML files give the size)."""
    classes = (
        'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
        'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
        'train', 'tvmonitor',
    )  # fmt: skip
    images: list[VOCImage] = []
    for c, name in enumerate(classes):
        images.append((f'{c:03d}001', 64, 64, [(name, [1, 1, 10, 10], 0), (name, [2, 2, 9, 9], 1)]))
        images.append((f'{c:03d}002', 64, 64, [(name, [1, 1, 10, 10], 0)]))
        images.append(
            (f'{c:03d}003', 64, 64, [(name, [1, 1, 10, 10], 0), (name, [20, 20, 40, 40], 0)])
        )
    make_voc(tmp_path / 'VOCdevkit', 'VOC2007', images, write_images=False)
    return tmp_path


@pytest.fixture
def make_coco() -> Callable[..., str]:
    """Returns ``make_coco(path, images, annotations, categories)`` writing a COCO JSON."""

    def make(
        path: Path,
        images: list[dict],
        annotations: list[dict],
        categories: list[dict],
        drop: Sequence[str] = (),
    ) -> str:
        data: dict[str, Any] = {
            'images': images,
            'annotations': annotations,
            'categories': categories,
        }
        for key in drop:
            data.pop(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
        return str(path)

    return make


def coco_ann(ann_id: int, img_id: int, cat_id: int, bbox: list[float], **extra: Any) -> dict:
    """One COCO annotation dict with ``area = w * h``."""
    return {
        'id': ann_id,
        'image_id': img_id,
        'category_id': cat_id,
        'bbox': bbox,
        'area': bbox[2] * bbox[3],
        'iscrowd': 0,
        **extra,
    }


@pytest.fixture
def coco_ann_fn() -> Callable[..., dict]:
    """The :func:`coco_ann` helper, as a fixture."""
    return coco_ann
