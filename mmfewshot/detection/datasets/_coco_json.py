"""Reading and checking COCO-format annotation files (shared by the loader and the split tool)."""

from __future__ import annotations

import json
import os.path as osp
from collections import Counter
from collections.abc import Sequence
from typing import Any


def read_coco_json(path: str) -> dict[str, Any]:
    """Loads a COCO annotation file and checks its structure.

    Returns:
        The JSON dict; ``annotations`` defaults to an empty list.

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: Naming the file and the problem: not JSON, no ``images`` or
            ``categories`` list, an image without ``id``/``file_name``/``width``/
            ``height``, duplicate image or annotation ids, an annotation of an
            unknown image or without ``bbox``/``category_id``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f"COCO annotation file '{path}' does not exist; fix ann_file")
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{path} is not valid JSON ({e}); fix or regenerate the file') from e
    if not isinstance(data, dict):
        raise ValueError(f'{path}: a COCO file is a JSON object, got {type(data).__name__}')
    for key in ('images', 'categories'):
        if not isinstance(data.get(key), list):
            raise ValueError(
                f"{path} has no {key!r} list; a COCO file needs 'images', 'annotations' and "
                "'categories'"
            )
    data.setdefault('annotations', [])
    if not isinstance(data['annotations'], list):
        raise ValueError(f"{path}: 'annotations' must be a list")
    for k, img in enumerate(data['images']):
        missing = [key for key in ('id', 'file_name', 'width', 'height') if key not in img]
        if missing:
            raise ValueError(f'{path}: images[{k}] has no {missing}; every image needs them')
    _check_unique([img['id'] for img in data['images']], path, 'image')
    _check_unique([ann.get('id') for ann in data['annotations']], path, 'annotation')
    img_ids = {img['id'] for img in data['images']}
    for ann in data['annotations']:
        if 'bbox' not in ann or 'category_id' not in ann or 'image_id' not in ann:
            raise ValueError(
                f"{path}: annotation {ann.get('id')!r} lacks 'bbox', 'category_id' or "
                "'image_id'; every annotation needs them"
            )
        if ann['image_id'] not in img_ids:
            raise ValueError(
                f'{path}: annotation {ann.get("id")!r} refers to image {ann["image_id"]!r}, '
                "which is not in 'images'; add the image or drop the annotation"
            )
    for k, cat in enumerate(data['categories']):
        if 'id' not in cat or 'name' not in cat:
            raise ValueError(f"{path}: categories[{k}] needs 'id' and 'name'")
    return data


def _check_unique(ids: Sequence[Any], path: str, what: str) -> None:
    if None in ids:
        raise ValueError(f"{path}: an {what} has no 'id'; give every {what} a unique id")
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        raise ValueError(
            f'{path}: duplicate {what} ids {sorted(dup, key=str)[:5]}; {what} ids must be unique'
        )


def coco_filename(file_name: str, ann_file: str) -> str:
    """The image path under ``img_prefix``, following the COCO 2014/2017 folder rules.

    ``COCO_train2014_*`` and ``COCO_val2014_*`` files live in ``train2014/`` and
    ``val2014/``; files of ``instances_{train,val}2017*.json`` live in
    ``train2017/`` and ``val2017/``. Other files are taken as relative paths.
    """
    folder = None
    if 'train2014' in file_name:
        folder = 'train2014'
    elif 'val2014' in file_name:
        folder = 'val2014'
    elif 'instances_val2017' in osp.basename(ann_file):
        folder = 'val2017'
    elif 'instances_train2017' in osp.basename(ann_file):
        folder = 'train2017'
    if folder is None or file_name.startswith(folder + '/'):
        return file_name
    return f'{folder}/{file_name}'


def category_ids(data: dict[str, Any], classes: Sequence[str], path: str) -> dict[str, int]:
    """Maps each class name to its category id in ``data``.

    Raises:
        ValueError: When a class is not among the file's categories.
    """
    by_name = {str(cat['name']): int(cat['id']) for cat in data['categories']}
    missing = [name for name in classes if name not in by_name]
    if missing:
        raise ValueError(
            f'{path}: classes {missing} are not among its categories '
            f'({sorted(by_name)[:8]}...); fix `classes` or the categories of the file'
        )
    return {name: by_name[name] for name in classes}


def merge_coco(datas: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Union of COCO dicts: images and annotations deduplicated by id, categories of the first."""
    images: dict[Any, dict] = {}
    anns: dict[Any, dict] = {}
    for data in datas:
        for img in data['images']:
            images.setdefault(img['id'], img)
        for ann in data['annotations']:
            anns.setdefault(ann['id'], ann)
    return {
        'images': list(images.values()),
        'annotations': list(anns.values()),
        'categories': list(datas[0]['categories']) if datas else [],
    }
