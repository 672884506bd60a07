"""Reading class lists, mmdet middle-format files and saved datasets (used by the base dataset)."""

from __future__ import annotations

import json
import os.path as osp
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._ann_ops import make_ann, normalize_ann, remap_labels


def resolve_classes(
    owner: str,
    classes: str | Sequence[str] | None,
    default: Sequence[str] | None,
    split: Mapping[str, Sequence[str]],
) -> list[str]:
    """Resolves ``classes``: a list of names, a split name of ``split`` or a text file.

    Args:
        owner: Dataset class name, for messages.
        classes: The ``classes`` argument.
        default: Names used when ``classes`` is ``None``.
        split: Split name -> names.

    Raises:
        KeyError: When a string is neither a split name nor an existing file.
        TypeError: When ``classes`` has another type.
        ValueError: When no classes are given or names repeat.
    """
    if classes is None:
        if not default:
            raise ValueError(
                f'{owner}: classes is required; give a list of class names or one of the '
                f'split names {sorted(split)}'
            )
        names = list(default)
    elif isinstance(classes, str):
        if classes in split:
            names = list(split[classes])
        elif osp.isfile(classes):
            with open(classes, encoding='utf-8') as f:
                names = [line.strip() for line in f if line.strip()]
        else:
            raise KeyError(
                f'{owner}: unknown class split {classes!r}; use one of {sorted(split)}, a list '
                'of names or a text file of names'
            )
    elif isinstance(classes, Sequence):
        names = [str(name) for name in classes]
    else:
        raise TypeError(
            f'{owner}: classes must be a list of names or a split name, got '
            f'{type(classes).__name__}'
        )
    if not names:
        raise ValueError(f'{owner}: classes is empty; give at least one class name')
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f'{owner}: classes repeat {dup}; list each class once')
    return names


def split_suffix(classes: Any, split: Mapping[str, Sequence[str]]) -> str | None:
    """``'_SPLIT1'`` for ``'ALL_CLASSES_SPLIT1'``, ``''`` for ``'BASE_CLASSES'``, else ``None``.

    ``None`` also when the split has no matching BASE and NOVEL parts.
    """
    if not isinstance(classes, str) or classes not in split:
        return None
    for group in ('ALL_CLASSES', 'BASE_CLASSES', 'NOVEL_CLASSES'):
        if classes.startswith(group):
            suffix = classes[len(group) :]
            if f'BASE_CLASSES{suffix}' in split and f'NOVEL_CLASSES{suffix}' in split:
                return suffix
    return None


def load_middle_format(ann_file: str, num_classes: int, keep: set[int] | None) -> list[dict]:
    """Loads an mmdet middle-format file: a JSON or pickle list of image infos.

    Args:
        ann_file: Path of the file.
        num_classes: Number of classes (labels must be below it).
        keep: Keep only objects with these labels (``None``: all).

    Raises:
        ValueError: When the file is not a list of infos, an info lacks a key,
            boxes are malformed or a label is out of range.
    """
    import mmengine

    raw = mmengine.load(ann_file)
    if not isinstance(raw, list):
        raise ValueError(
            f'{ann_file}: expected a list of image infos (mmdet middle format), got '
            f'{type(raw).__name__}'
        )
    infos = []
    for k, item in enumerate(raw):
        source = f'{ann_file} (item {k})'
        for key in ('filename', 'width', 'height', 'ann'):
            if key not in item:
                raise ValueError(f'{source} has no {key!r}; every info needs it')
        ann = normalize_ann(item['ann'], source)
        for key in ('labels', 'labels_ignore'):
            bad = [int(x) for x in ann[key] if not 0 <= x < num_classes]
            if bad:
                raise ValueError(
                    f'{source}: label {bad[0]} is out of range for {num_classes} classes; fix '
                    'the labels or `classes`'
                )
        if keep is not None:
            fg = np.isin(ann['labels'], list(keep))
            ig = np.isin(ann['labels_ignore'], list(keep))
            ann = make_ann(
                ann['bboxes'][fg],
                ann['labels'][fg],
                ann['bboxes_ignore'][ig],
                ann['labels_ignore'][ig],
            )
        info = dict(item)
        info.setdefault('id', item['filename'])
        info['ann'] = ann
        infos.append(info)
    return infos


def load_saved_infos(
    ann_file: str,
    classes: Sequence[str],
    cat2label: Mapping[str, int],
    img_prefix: str | None,
) -> list[dict]:
    """Loads a file written by ``save_data_infos``: ``[meta, *infos]``.

    Labels are mapped by class name when the saved ``CLASSES`` differ from ``classes``.

    Raises:
        ValueError: When the file is not a saved dataset or names unknown classes.
    """
    try:
        with open(ann_file, encoding='utf-8') as f:
            items = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{ann_file} is not valid JSON ({e}); save the dataset again') from e
    if not isinstance(items, list):
        raise ValueError(f'{ann_file}: a saved dataset is a JSON list (meta, then infos)')
    meta: dict = {}
    if items and isinstance(items[0], dict) and 'CLASSES' in items[0]:
        meta, items = items[0], items[1:]
    saved_classes = list(meta.get('CLASSES', classes))
    if meta.get('img_prefix', img_prefix) != img_prefix:
        warnings.warn(
            f'{ann_file} was saved with img_prefix={meta["img_prefix"]!r}, but this dataset uses '
            f'{img_prefix!r}; images are read with the current prefix',
            stacklevel=3,
        )
    infos = []
    for k, item in enumerate(items):
        source = f'{ann_file} (item {k})'
        if not isinstance(item, dict) or 'ann' not in item:
            raise ValueError(f"{source} is not an image info with an 'ann' key")
        ann = normalize_ann(item['ann'], source)
        if saved_classes != list(classes):
            ann = remap_labels(ann, saved_classes, cat2label, source)
        info = dict(item)
        info['ann'] = ann
        infos.append(info)
    return infos
