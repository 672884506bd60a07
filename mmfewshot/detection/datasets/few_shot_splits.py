"""Writes K-shot split files (TFA layout) for any VOC- or COCO-format dataset.

Layout, the one :class:`FewShotVOCDefaultDataset` and
:class:`FewShotCocoDefaultDataset` read (``out_dir`` is usually
``data/few_shot_ann/voc`` or ``data/few_shot_ann/coco``, i.e. the default
datasets' ``ann_root`` is the folder holding ``data/``)::

    {out_dir}/benchmark_{K}shot/box_{K}shot_{class}_train.txt              VOC, seed 0
    {out_dir}/seed{s}/benchmark_{K}shot/box_{K}shot_{class}_train.txt      VOC, seed s > 0
    {out_dir}/benchmark_{K}shot/full_box_{K}shot_{class}_trainval.json     COCO, seed 0
    {out_dir}/seed{s}/benchmark_{K}shot/full_box_{K}shot_{class}_trainval.json

A VOC file lists image paths ``{subset}/JPEGImages/{image}`` (one per line);
a COCO file is a COCO JSON with the chosen images, their annotations of that
class and all categories. For each class and seed the images are drawn so
that the file of ``K`` shots holds exactly ``K`` instances of the class
(difficult and crowd objects do not count). The files are nested (the
``K``-shot images include the smaller shots' images) whenever an exact
nested choice exists, as in TFA's splits; otherwise that shot gets a fresh
exact choice. When no exact choice exists at all (e.g. every image holds two
instances and ``K = 1``), the image with the fewest instances is added and a
warning names the class; the datasets' ``num_novel_shots``/``num_base_shots``
then cap the instances. The draw of a class depends only on ``(seed, class
name)``.
"""

from __future__ import annotations

import os.path as osp
import warnings
import zlib
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from mmengine.utils import ProgressBar

from ._coco_json import read_coco_json
from ._voc_xml import check_box, image_size, parse_voc_xml, resolve_image_line
from .utils import dump_json_atomic, write_text_atomic


def split_dir(out_dir: str, shot: int, seed: int) -> str:
    """Folder of the ``shot``-shot files of ``seed`` (seed 0 has no ``seed{s}`` level)."""
    sub = f'benchmark_{shot}shot'
    return osp.join(out_dir, sub) if seed == 0 else osp.join(out_dir, f'seed{seed}', sub)


def _check_args(shots: Sequence[int], seeds: Sequence[int]) -> list[int]:
    if not shots or any(int(k) < 1 for k in shots):
        raise ValueError(f'shots={list(shots)} must be positive integers, e.g. 1 2 3 5 10')
    if not seeds or any(int(s) < 0 for s in seeds):
        raise ValueError(f'seeds={list(seeds)} must be non-negative integers')
    return sorted({int(k) for k in shots})


def _exact_subset(order: Sequence[int], counts: Sequence[int], target: int) -> list[int] | None:
    """The subset of ``order`` summing to ``target`` that prefers earlier items, or ``None``.

    Walks ``order`` and takes an item whenever the rest of the target stays
    reachable with the items after it (reachability as bit sets).
    """
    if target < 0:
        return None
    mask = (1 << (target + 1)) - 1
    reach = [0] * (len(order) + 1)
    reach[-1] = 1  # the empty subset sums to 0
    for j in range(len(order) - 1, -1, -1):
        reach[j] = (reach[j + 1] | (reach[j + 1] << counts[order[j]])) & mask
    if not (reach[0] >> target) & 1:
        return None
    out, rest = [], target
    for j, i in enumerate(order):
        if rest == 0:
            break
        if counts[i] <= rest and (reach[j + 1] >> (rest - counts[i])) & 1:
            out.append(i)
            rest -= counts[i]
    return out


def pick_nested_shots(
    candidates: Sequence[tuple[Hashable, int]],
    shots: Sequence[int],
    rng: np.random.Generator,
    name: str = '',
) -> dict[int, list[Hashable]]:
    """Chooses images whose instances add up to exactly ``K``, nested over ``K`` when possible.

    The images are visited in a random order drawn from ``rng``. The ``K``-shot
    set extends the previous (smaller) set when an extension with exactly
    ``K`` instances exists; otherwise it is a fresh exact choice; when no exact
    choice exists at all, the image with the fewest instances is added and a
    warning is raised.

    Args:
        candidates: ``(image key, number of instances)`` pairs, counts >= 1.
        shots: Shot numbers.
        rng: Generator of the visiting order.
        name: Class name for messages.

    Returns:
        ``K`` -> chosen image keys, in choice order.

    Raises:
        ValueError: When the images hold fewer than ``max(shots)`` instances.
    """
    available = sum(count for _, count in candidates)
    if available < max(shots):
        raise ValueError(
            f'class {name!r} has only {available} instances in the annotations, fewer than '
            f'{max(shots)} shots; lower --shots or add images of that class'
        )
    counts = [int(count) for _, count in candidates]
    order = [int(i) for i in rng.permutation(len(candidates))]
    chosen: list[int] = []
    out: dict[int, list[Hashable]] = {}
    for shot in sorted(shots):
        total = sum(counts[i] for i in chosen)
        taken = set(chosen)
        extra = _exact_subset([i for i in order if i not in taken], counts, shot - total)
        if extra is not None:
            chosen = chosen + extra
        else:
            fresh = _exact_subset(order, counts, shot)
            if fresh is not None:
                chosen = fresh
            else:
                while total < shot:
                    i = min((i for i in order if i not in taken), key=lambda j: counts[j])
                    chosen.append(i)
                    taken.add(i)
                    total += counts[i]
                warnings.warn(
                    f'class {name!r}: no image choice gives exactly {shot} instances; the '
                    f'{shot}-shot file holds {total}',
                    stacklevel=2,
                )
        out[shot] = [candidates[i][0] for i in chosen]
    return out


def _class_rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode('utf-8'))])


def generate_voc_few_shot_splits(
    img_prefix: str,
    ann_files: Sequence[str],
    out_dir: str,
    classes: Sequence[str] | None = None,
    shots: Sequence[int] = (1, 2, 3, 5, 10),
    seeds: Sequence[int] = (0,),
    show_progress: bool = False,
) -> list[str]:
    """Writes VOC few-shot split files (see the module docstring for the layout).

    Args:
        img_prefix: Folder holding the subset folders (``VOC2007/``, ...), as
            the datasets' ``img_prefix``.
        ann_files: Image lists to draw from, e.g.
            ``VOC2007/ImageSets/Main/trainval.txt``; relative paths are taken
            under ``img_prefix``.
        out_dir: Output folder, e.g. ``data/few_shot_ann/voc``.
        classes: Classes to write files for (default: every class found).
        shots: Shot numbers ``K``.
        seeds: Seeds; seed 0 goes to ``benchmark_{K}shot``, seed s to ``seed{s}/...``.
        show_progress: Show a progress bar while reading the XML files.

    Returns:
        The written files.
    """
    shot_list = _check_args(shots, seeds)
    images: dict[str, dict[str, int]] = {}  # image path -> class -> instance count
    entries = []
    for ann_file in ann_files:
        path = ann_file if osp.isabs(ann_file) else osp.join(img_prefix, ann_file)
        if not osp.isfile(path):
            raise FileNotFoundError(f"image list '{path}' does not exist; fix --ann-files")
        with open(path, encoding='utf-8') as f:
            entries += [(path, line.strip()) for line in f if line.strip()]
    bar = ProgressBar(len(entries)) if show_progress else None
    for path, line in entries:
        subset, img_id = resolve_image_line(line, path)
        record = parse_voc_xml(osp.join(img_prefix, subset, 'Annotations', f'{img_id}.xml'))
        name = record.filename
        if not name or osp.splitext(osp.basename(name))[0] != img_id:
            name = f'{img_id}.jpg'
        key = f'{subset}/JPEGImages/{osp.basename(name)}'
        width, height = record.width, record.height
        if width is None or height is None:
            width, height = image_size(osp.join(img_prefix, key))
        counts: dict[str, int] = {}
        for k, obj in enumerate(record.objects):
            check_box(obj.bbox, width, height, f'{record.xml_path} object {k} ({obj.name!r})')
            if not obj.difficult:
                counts[obj.name] = counts.get(obj.name, 0) + 1
        images[key] = counts
        if bar is not None:
            bar.update()
    found = sorted({c for counts in images.values() for c in counts})
    class_names = list(classes) if classes is not None else found
    written = []
    for name in class_names:
        candidates = sorted((key, c[name]) for key, c in images.items() if c.get(name))
        for seed in seeds:
            chosen = pick_nested_shots(candidates, shot_list, _class_rng(seed, name), name)
            for shot in shot_list:
                path = osp.join(split_dir(out_dir, shot, seed), f'box_{shot}shot_{name}_train.txt')
                write_text_atomic(''.join(f'{key}\n' for key in chosen[shot]), path)
                written.append(path)
    return written


def _coco_counts(data: dict[str, Any]) -> dict[Any, dict[int, int]]:
    """Image id -> category id -> number of countable instances (non-crowd, at least 1x1)."""
    counts: dict[Any, dict[int, int]] = {}
    for ann in data['annotations']:
        w, h = float(ann['bbox'][2]), float(ann['bbox'][3])
        if ann.get('iscrowd', 0) or ann.get('ignore', False) or w < 1 or h < 1:
            continue
        per_img = counts.setdefault(ann['image_id'], {})
        per_img[ann['category_id']] = per_img.get(ann['category_id'], 0) + 1
    return counts


def generate_coco_few_shot_splits(
    ann_file: str,
    out_dir: str,
    classes: Sequence[str] | None = None,
    shots: Sequence[int] = (10, 30),
    seeds: Sequence[int] = (0,),
    show_progress: bool = False,
) -> list[str]:
    """Writes COCO few-shot split files (see the module docstring for the layout).

    Args:
        ann_file: COCO annotation file to draw from (e.g. TFA's ``trainvalno5k``).
        out_dir: Output folder, e.g. ``data/few_shot_ann/coco``.
        classes: Category names to write files for (default: all categories).
        shots: Shot numbers ``K``.
        seeds: Seeds; seed 0 goes to ``benchmark_{K}shot``, seed s to ``seed{s}/...``.
        show_progress: Show a progress bar over the classes.

    Returns:
        The written files.
    """
    shot_list = _check_args(shots, seeds)
    data = read_coco_json(ann_file)
    by_name = {str(cat['name']): cat['id'] for cat in data['categories']}
    class_names = list(classes) if classes is not None else list(by_name)
    unknown = [name for name in class_names if name not in by_name]
    if unknown:
        raise ValueError(f'{ann_file}: classes {unknown} are not among its categories')
    counts = _coco_counts(data)
    images = {img['id']: img for img in data['images']}
    anns_by_img: dict[Any, list[dict]] = {}
    for ann in data['annotations']:
        anns_by_img.setdefault(ann['image_id'], []).append(ann)
    bar = ProgressBar(len(class_names)) if show_progress else None
    written = []
    for name in class_names:
        cat = by_name[name]
        candidates = sorted(
            ((img_id, c[cat]) for img_id, c in counts.items() if c.get(cat)),
            key=lambda x: str(x[0]),
        )
        for seed in seeds:
            chosen = pick_nested_shots(candidates, shot_list, _class_rng(seed, name), name)
            for shot in shot_list:
                out = {
                    'images': [images[i] for i in chosen[shot]],
                    'annotations': [
                        ann
                        for i in chosen[shot]
                        for ann in anns_by_img[i]
                        if ann['category_id'] == cat
                    ],
                    'categories': data['categories'],
                }
                path = osp.join(
                    split_dir(out_dir, shot, seed), f'full_box_{shot}shot_{name}_trainval.json'
                )
                dump_json_atomic(out, path)
                written.append(path)
        if bar is not None:
            bar.update()
    return written


__all__ = [
    'generate_coco_few_shot_splits',
    'generate_voc_few_shot_splits',
    'pick_nested_shots',
    'split_dir',
]
