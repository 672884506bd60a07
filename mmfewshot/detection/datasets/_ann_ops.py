"""Operations on detection ``data_infos``: normalising, merging, filtering, splitting.

A data info is ``{'id', 'filename', 'width', 'height', 'ann': {'bboxes' (n, 4)
float32 x1y1x2y2, 'labels' (n,) int64, 'bboxes_ignore' (m, 4) float32,
'labels_ignore' (m,) int64}, ...}``. Every function here returns new dicts and
new arrays: the infos it is given are never modified.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

ANN_KEYS = ('bboxes', 'labels', 'bboxes_ignore', 'labels_ignore')


def make_ann(
    bboxes: Any = None, labels: Any = None, bboxes_ignore: Any = None, labels_ignore: Any = None
) -> dict[str, np.ndarray]:
    """Builds an ``ann`` dict with the canonical dtypes and shapes (empty when ``None``)."""
    return {
        'bboxes': _boxes(bboxes),
        'labels': _labels(labels),
        'bboxes_ignore': _boxes(bboxes_ignore),
        'labels_ignore': _labels(labels_ignore),
    }


def _boxes(value: Any) -> np.ndarray:
    if value is None:
        return np.zeros((0, 4), dtype=np.float32)
    return np.asarray(value, dtype=np.float32).reshape(-1, 4)


def _labels(value: Any) -> np.ndarray:
    if value is None:
        return np.zeros((0,), dtype=np.int64)
    return np.asarray(value, dtype=np.int64).reshape(-1)


def normalize_ann(ann: Mapping[str, Any], source: str) -> dict[str, np.ndarray]:
    """Returns a copy of ``ann`` with the four canonical arrays.

    Args:
        ann: An annotation dict, arrays or nested lists (e.g. read from JSON).
        source: Where ``ann`` comes from, for the error message.

    Raises:
        ValueError: When boxes are not (n, 4) or boxes and labels disagree in length.
    """
    out: dict[str, np.ndarray] = {}
    for box_key, label_key in (('bboxes', 'labels'), ('bboxes_ignore', 'labels_ignore')):
        raw_boxes = ann.get(box_key)
        boxes = np.zeros((0, 4), dtype=np.float32)
        if raw_boxes is not None:
            boxes = np.asarray(raw_boxes, dtype=np.float32)
            if boxes.size == 0:
                boxes = boxes.reshape(0, 4)
            if boxes.ndim != 2 or boxes.shape[1] != 4:
                raise ValueError(
                    f'{source}: ann[{box_key!r}] has shape {boxes.shape}, expected (n, 4) '
                    'boxes x1, y1, x2, y2; fix the annotation'
                )
        labels = _labels(ann.get(label_key))
        if len(labels) != len(boxes):
            raise ValueError(
                f'{source}: {len(boxes)} {box_key} but {len(labels)} {label_key}; '
                'give one label per box'
            )
        out[box_key], out[label_key] = boxes, labels
    return out


def copy_info(info: Mapping[str, Any], ann: dict[str, np.ndarray] | None = None) -> dict:
    """Shallow-copies an info and gives it ``ann`` (default: a copy of its own arrays)."""
    new = dict(info)
    if ann is None:
        ann = {key: np.array(value, copy=True) for key, value in info['ann'].items()}
    new['ann'] = ann
    return new


def info_key(info: Mapping[str, Any]) -> Any:
    """The identity of an image: its ``id``, else its ``filename``."""
    return info.get('id', info.get('filename'))


def merge_infos(infos: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Merges the infos that describe the same image (same ``id``), keeping first-seen order.

    Annotations are concatenated in input order, e.g. the per-class files of a
    few-shot split that list one image under several classes.

    Raises:
        ValueError: When two infos with the same id name different image files.
    """
    merged: dict[Any, dict] = {}
    for info in infos:
        key = info_key(info)
        if key not in merged:
            merged[key] = copy_info(info)
            continue
        first = merged[key]
        if first.get('filename') != info.get('filename'):
            raise ValueError(
                f'image id {key!r} names two files, {first.get("filename")!r} and '
                f'{info.get("filename")!r}; give every image a unique id'
            )
        ann_a, ann_b = first['ann'], info['ann']
        first['ann'] = {k: np.concatenate([ann_a[k], ann_b[k]]) for k in ANN_KEYS}
    return list(merged.values())


def move_small_boxes_to_ignore(infos: Sequence[Mapping[str, Any]], min_size: float) -> list[dict]:
    """Moves boxes whose width or height is below ``min_size`` to the ignore fields."""
    out = []
    for info in infos:
        ann = info['ann']
        boxes = ann['bboxes']
        small = ((boxes[:, 2] - boxes[:, 0]) < min_size) | ((boxes[:, 3] - boxes[:, 1]) < min_size)
        new_ann = make_ann(
            boxes[~small],
            ann['labels'][~small],
            np.concatenate([ann['bboxes_ignore'], boxes[small]]),
            np.concatenate([ann['labels_ignore'], ann['labels'][small]]),
        )
        out.append(copy_info(info, new_ann))
    return out


def valid_image_indices(
    infos: Sequence[Mapping[str, Any]], filter_empty_gt: bool, min_size: int = 32
) -> list[int]:
    """Indices of the images to keep for training.

    Args:
        infos: Data infos.
        filter_empty_gt: Drop images without any (non-ignored) box.
        min_size: Drop images whose shorter side is smaller than this.
    """
    keep = []
    for i, info in enumerate(infos):
        if filter_empty_gt and len(info['ann']['labels']) == 0:
            continue
        if min(int(info['width']), int(info['height'])) < min_size:
            continue
        keep.append(i)
    return keep


def apply_shot_filter(
    infos: Sequence[Mapping[str, Any]],
    shots_by_label: Mapping[int, int],
    class_names: Sequence[str],
    seed: int,
) -> list[dict]:
    """Keeps at most ``shots_by_label[c]`` instances of each filtered class ``c``.

    The kept instances of class ``c`` are drawn without replacement by
    ``np.random.default_rng([seed, c])``, so the choice of one class does not
    depend on the other classes. Classes not in ``shots_by_label`` keep all
    their instances; a cap of 0 removes the class. Images that lose all their
    instances are dropped; ignored boxes stay with their image.

    Args:
        infos: Data infos.
        shots_by_label: Label id -> maximum number of instances.
        class_names: Class names, for the warning about too few instances.
        seed: Seed of the sampling.
    """
    candidates: dict[int, list[tuple[int, int]]] = {label: [] for label in shots_by_label}
    keep: set[tuple[int, int]] = set()
    for i, info in enumerate(infos):
        for j, label in enumerate(info['ann']['labels'].tolist()):
            if label in candidates:
                candidates[label].append((i, j))
            else:
                keep.add((i, j))
    short = []
    for label in sorted(candidates):
        pool, num_shots = candidates[label], int(shots_by_label[label])
        if len(pool) > num_shots:
            rng = np.random.default_rng([int(seed), int(label)])
            keep.update(pool[k] for k in rng.choice(len(pool), num_shots, replace=False))
        else:
            if len(pool) < num_shots:
                short.append(f'{class_names[label]} ({len(pool)}/{num_shots})')
            keep.update(pool)
    if short:
        warnings.warn(
            f'ann_shot_filter: {len(short)} classes have fewer instances than the shots asked, '
            f'all of their instances are used: {", ".join(short)}',
            stacklevel=3,
        )
    out = []
    for i, info in enumerate(infos):
        ann = info['ann']
        num = len(ann['labels'])
        selected = [j for j in range(num) if (i, j) in keep]
        if num > 0 and not selected:
            continue
        new_ann = make_ann(
            ann['bboxes'][selected],
            ann['labels'][selected],
            ann['bboxes_ignore'],
            ann['labels_ignore'],
        )
        out.append(copy_info(info, new_ann))
    return out


def split_instances(infos: Sequence[Mapping[str, Any]]) -> list[dict]:
    """One info per instance (``instance_wise``); infos without instances are kept as they are."""
    out = []
    for info in infos:
        ann = info['ann']
        num = len(ann['labels'])
        if num <= 1:
            out.append(copy_info(info))
            continue
        for j in range(num):
            new_ann = make_ann(
                ann['bboxes'][j : j + 1],
                ann['labels'][j : j + 1],
                ann['bboxes_ignore'],
                ann['labels_ignore'],
            )
            out.append(copy_info(info, new_ann))
    return out


def remap_labels(
    ann: Mapping[str, np.ndarray],
    old_classes: Sequence[str],
    cat2label: Mapping[str, int],
    source: str,
) -> dict[str, np.ndarray]:
    """Re-indexes labels written against ``old_classes`` into the current classes.

    Raises:
        ValueError: When a label is out of range or its class is not a current class.
    """
    out = dict(ann)
    for key in ('labels', 'labels_ignore'):
        new = []
        for label in ann[key].tolist():
            if not 0 <= label < len(old_classes):
                raise ValueError(
                    f'{source}: label {label} is out of range for the {len(old_classes)} '
                    'saved CLASSES; the file is corrupt, save the dataset again'
                )
            name = old_classes[label]
            if name not in cat2label:
                raise ValueError(
                    f'{source}: saved class {name!r} is not in classes; add it to '
                    '`classes` or use the classes the dataset was saved with'
                )
            new.append(cat2label[name])
        out[key] = _labels(new)
    return out


def count_instances(infos: Sequence[Mapping[str, Any]], num_classes: int) -> np.ndarray:
    """Number of (non-ignored) instances of each class, shape (num_classes,)."""
    counts = np.zeros(num_classes, dtype=np.int64)
    for info in infos:
        labels = info['ann']['labels']
        if len(labels):
            counts += np.bincount(labels, minlength=num_classes)[:num_classes]
    return counts
