"""File formats written by the GlyphScenes generator: VOC XML and COCO JSON.

Boxes come in pixel-edge coordinates ``x1, y1, x2, y2`` (``x2``/``y2``
exclusive). VOC stores 1-based inclusive pixel indices, so
``xmin = x1 + 1, ymin = y1 + 1, xmax = x2, ymax = y2`` (the VOC dataset's
default ``coordinate_offset=[-1, -1, 0, 0]`` maps them back); COCO stores
``[x1, y1, x2 - x1, y2 - y1]``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import numpy as np


def voc_xml(
    folder: str,
    filename: str,
    width: int,
    height: int,
    boxes: np.ndarray,
    labels: np.ndarray,
    classes: Sequence[str],
) -> str:
    """Returns the VOC annotation XML of one image.

    Args:
        folder: The VOC year folder (``'VOC2007'``).
        filename: Image file name (``'000001.jpg'``).
        width: Image width.
        height: Image height.
        boxes: Pixel-edge boxes, shape (n, 4).
        labels: Class indices into ``classes``, shape (n,).
        classes: Class names.
    """
    lines = [
        '<annotation>',
        f'\t<folder>{escape(folder)}</folder>',
        f'\t<filename>{escape(filename)}</filename>',
        '\t<source>',
        '\t\t<database>GlyphScenes</database>',
        '\t</source>',
        '\t<size>',
        f'\t\t<width>{width}</width>',
        f'\t\t<height>{height}</height>',
        '\t\t<depth>3</depth>',
        '\t</size>',
        '\t<segmented>0</segmented>',
    ]
    for box, label in zip(boxes.tolist(), labels.tolist(), strict=True):
        x1, y1, x2, y2 = (round(v) for v in box)
        lines += [
            '\t<object>',
            f'\t\t<name>{escape(classes[label])}</name>',
            '\t\t<pose>Unspecified</pose>',
            '\t\t<truncated>0</truncated>',
            '\t\t<difficult>0</difficult>',
            '\t\t<bndbox>',
            f'\t\t\t<xmin>{x1 + 1}</xmin>',
            f'\t\t\t<ymin>{y1 + 1}</ymin>',
            f'\t\t\t<xmax>{x2}</xmax>',
            f'\t\t\t<ymax>{y2}</ymax>',
            '\t\t</bndbox>',
            '\t</object>',
        ]
    lines.append('</annotation>')
    return '\n'.join(lines) + '\n'


class CocoBuilder:
    """Accumulates one COCO-format annotation file (ids start at 1).

    Args:
        classes: Class names; category ``i + 1`` is ``classes[i]``.
        supercategories: Supercategory of each class.
    """

    def __init__(self, classes: Sequence[str], supercategories: Sequence[str]) -> None:
        self.categories = [
            {'id': i + 1, 'name': name, 'supercategory': sup}
            for i, (name, sup) in enumerate(zip(classes, supercategories, strict=True))
        ]
        self.images: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []

    def add_image(
        self, file_name: str, width: int, height: int, boxes: np.ndarray, labels: np.ndarray
    ) -> None:
        """Adds one image and its instances.

        Args:
            file_name: Image path relative to the image prefix.
            width: Image width.
            height: Image height.
            boxes: Pixel-edge boxes, shape (n, 4).
            labels: Class indices, shape (n,).
        """
        image_id = len(self.images) + 1
        self.images.append(
            {'id': image_id, 'file_name': file_name, 'width': width, 'height': height}
        )
        for box, label in zip(boxes.tolist(), labels.tolist(), strict=True):
            x1, y1, x2, y2 = (round(v) for v in box)
            self.annotations.append(
                {
                    'id': len(self.annotations) + 1,
                    'image_id': image_id,
                    'category_id': int(label) + 1,
                    'bbox': [x1, y1, x2 - x1, y2 - y1],
                    'area': (x2 - x1) * (y2 - y1),
                    'iscrowd': 0,
                    'segmentation': [[x1, y1, x2, y1, x2, y2, x1, y2]],
                }
            )

    def to_json(self) -> str:
        """The file content (deterministic key order and spacing)."""
        payload = {
            'info': {'description': 'GlyphScenes', 'version': '1.0'},
            'images': self.images,
            'annotations': self.annotations,
            'categories': self.categories,
        }
        return json.dumps(payload, separators=(',', ':'))
