"""GlyphScenes: the embedded synthetic few-shot detection benchmark.

Each image (160-256 px a side) shows one to four glyphs on a textured
background (colour gradients, stripes, clutter strokes, noise). The 20 classes
are 20 characters of the DejaVu fonts that matplotlib ships (Greek, Cyrillic,
Armenian, Georgian and Latin letters), each drawn in any of the 12 DejaVu
faces with random size, rotation, stroke noise and colour. Its three
base/novel splits mirror PASCAL VOC's: class ``i`` stands in for the ``i``-th
VOC class in alphabetical order, so ``ALL/BASE/NOVEL_CLASSES_SPLIT{1,2,3}``
have VOC's structure (15 base then 5 novel).

:func:`generate_glyph_scenes` writes, under one root folder::

    VOCdevkit/VOC2007/{Annotations/*.xml, JPEGImages/*.jpg, ImageSets/Main/{trainval,test}.txt}
    VOCdevkit/VOC2012/{Annotations/*.xml, JPEGImages/*.jpg, ImageSets/Main/trainval.txt}
    annotations/train.json    COCO format: VOC2007 + VOC2012 trainval
    annotations/val.json      COCO format: VOC2007 test
    few_shot_ann/voc/benchmark_{K}shot/box_{K}shot_{class}_train.txt           TFA layout
    few_shot_ann/coco/benchmark_{K}shot/full_box_{K}shot_{class}_trainval.json TFA layout
    glyph_scenes.json         what was generated (seed, sizes, classes)

The split files (K = 1, 2, 3, 5, 10 by default; drawn from the trainval
images by :mod:`~mmfewshot.detection.datasets.few_shot_splits`) hold K
instances of each class; the ``GlyphScenes*DefaultDataset`` classes read
them with ``ann_cfg=[dict(method='TFA', setting='SPLIT1_5SHOT')]``.

COCO ``file_name`` values are relative to the root (``VOCdevkit/VOC2007/
JPEGImages/000001.jpg``), so both formats share one set of images: use
``img_prefix=<root>/VOCdevkit/`` for VOC and ``img_prefix=<root>/`` for COCO.
The output is a pure function of the arguments (byte-identical for one seed
with one OpenCV build) and appears atomically: everything is written into a
temporary folder beside the root, which is then renamed.
"""

from __future__ import annotations

import json
import os
import os.path as osp
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from mmfewshot.utils.glyph_render import faces_with_glyph, find_dejavu_fonts

from ._glyph_scene_render import render_scene
from ._glyph_scene_writers import CocoBuilder, voc_xml
from .few_shot_splits import generate_coco_few_shot_splits, generate_voc_few_shot_splits

#: Class name -> code point of the 20 GlyphScenes classes, in "VOC slot" order.
GLYPH_SCENES_CODEPOINTS: dict[str, int] = {
    'omega': 0x03A9,  # Ω  (slot of aeroplane)
    'sigma': 0x03A3,  # Σ  (bicycle)
    'lambda': 0x03BB,  # λ  (bird)
    'psi': 0x03A8,  # Ψ  (boat)
    'xi': 0x039E,  # Ξ  (bottle)
    'phi': 0x03A6,  # Φ  (bus)
    'gamma': 0x0393,  # Γ  (car)
    'zhe': 0x0416,  # Ж  (cat)
    'ya': 0x042F,  # Я  (chair)
    'de': 0x0414,  # Д  (cow)
    'shcha': 0x0429,  # Щ  (diningtable)
    'be': 0x0411,  # Б  (dog)
    'yat': 0x0462,  # Ѣ  (horse)
    'ayb': 0x0531,  # Ա  (motorbike)
    'an': 0x10D0,  # ა  (person)
    'eth': 0x00F0,  # ð  (pottedplant)
    'thorn': 0x00FE,  # þ  (sheep)
    'ezh': 0x01B7,  # Ʒ  (sofa)  # noqa: RUF003
    'hwair': 0x0195,  # ƕ  (train)
    'eng': 0x014A,  # Ŋ  (tvmonitor)
}

#: The 20 class names (label order of a dataset built with these classes).
GLYPH_SCENES_CLASSES: tuple[str, ...] = tuple(GLYPH_SCENES_CODEPOINTS)

#: Script of each class, used as the COCO ``supercategory``.
GLYPH_SCENES_SUPERCATEGORIES: tuple[str, ...] = (
    ('greek',) * 7 + ('cyrillic',) * 6 + ('armenian', 'georgian') + ('latin',) * 5
)

# Slots of the novel classes of VOC's splits (VOC classes in alphabetical order):
# split 1 bird, bus, cow, motorbike, sofa; split 2 aeroplane, bottle, cow, horse,
# sofa; split 3 boat, cat, motorbike, sheep, sofa.
_NOVEL_SLOTS = {1: (2, 5, 9, 13, 17), 2: (0, 4, 9, 12, 17), 3: (3, 7, 13, 16, 17)}


def _split_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for split, slots in _NOVEL_SLOTS.items():
        novel = tuple(GLYPH_SCENES_CLASSES[i] for i in slots)
        base = tuple(name for name in GLYPH_SCENES_CLASSES if name not in novel)
        table[f'ALL_CLASSES_SPLIT{split}'] = base + novel
        table[f'BASE_CLASSES_SPLIT{split}'] = base
        table[f'NOVEL_CLASSES_SPLIT{split}'] = novel
    return table


#: ``ALL_CLASSES_SPLIT{n}`` (BASE then NOVEL), ``BASE_CLASSES_SPLIT{n}`` (15) and
#: ``NOVEL_CLASSES_SPLIT{n}`` (5) for n = 1, 2, 3, with VOC's structure.
GLYPH_SCENES_SPLIT: dict[str, tuple[str, ...]] = _split_table()

#: Default root folder of the generated benchmark.
DEFAULT_GLYPH_SCENES_ROOT = 'data/glyph_scenes'

#: Bumped whenever the generated content changes.
GLYPH_SCENES_VERSION = 1

# (VOC folder, image set, number-of-images argument, id format)
_PARTS = (
    ('VOC2007', 'trainval', 'num_trainval_2007', '{:06d}'),
    ('VOC2007', 'test', 'num_test_2007', '{:06d}'),
    ('VOC2012', 'trainval', 'num_trainval_2012', '2012_{:06d}'),
)


def _check_range(name: str, value: Sequence[int], low: int) -> tuple[int, int]:
    pair = tuple(int(v) for v in value)
    if len(pair) != 2 or not low <= pair[0] <= pair[1]:
        raise ValueError(f'{name}={tuple(value)} must be (min, max) with {low} <= min <= max')
    return pair[0], pair[1]


def generate_glyph_scenes(
    out_dir: str = DEFAULT_GLYPH_SCENES_ROOT,
    seed: int = 0,
    num_trainval_2007: int = 1000,
    num_test_2007: int = 500,
    num_trainval_2012: int = 1000,
    image_size: Sequence[int] = (160, 256),
    glyph_size: Sequence[int] = (32, 96),
    max_instances: int = 4,
    jpeg_quality: int = 90,
    shots: Sequence[int] = (1, 2, 3, 5, 10),
    split_seeds: Sequence[int] = (0,),
    overwrite: bool = False,
    show_progress: bool = True,
) -> str:
    """Generates the GlyphScenes benchmark in VOC and COCO formats.

    Args:
        out_dir: Root folder to create.
        seed: Seed of everything random; image ``i`` of each part has its own
            stream derived from ``(seed, part, i)``.
        num_trainval_2007: Images of ``VOC2007/ImageSets/Main/trainval.txt``.
        num_test_2007: Images of ``VOC2007/ImageSets/Main/test.txt``.
        num_trainval_2012: Images of ``VOC2012/ImageSets/Main/trainval.txt`` (0: no VOC2012).
        image_size: Inclusive range of image width and height.
        glyph_size: Inclusive range of a glyph's canvas side.
        max_instances: Most glyph instances per image.
        jpeg_quality: JPEG quality (0-100).
        shots: Shot numbers ``K`` of the few-shot split files.
        split_seeds: Seeds of the split files (seed 0 in ``benchmark_{K}shot``,
            seed ``s`` in ``seed{s}/benchmark_{K}shot``).
        overwrite: Replace ``out_dir`` when it exists.
        show_progress: Show a progress bar on stdout.

    Returns:
        ``out_dir``.

    Raises:
        FileExistsError: When ``out_dir`` exists and ``overwrite`` is False.
        ValueError: When a size or count is out of range.
    """
    counts = {
        'num_trainval_2007': num_trainval_2007,
        'num_test_2007': num_test_2007,
        'num_trainval_2012': num_trainval_2012,
    }
    for name, value in counts.items():
        if int(value) < 0:
            raise ValueError(f'{name}={value} must be >= 0')
    if num_trainval_2007 < 1 or num_test_2007 < 1:
        raise ValueError(
            f'num_trainval_2007={num_trainval_2007} and num_test_2007={num_test_2007} '
            'must both be >= 1 (VOC2007 needs a trainval and a test set)'
        )
    size_range = _check_range('image_size', image_size, 32)
    glyph_range = _check_range('glyph_size', glyph_size, 8)
    if glyph_range[0] > size_range[0]:
        raise ValueError(f'glyph_size={tuple(glyph_size)} must start at most at {size_range[0]}')
    if max_instances < 1:
        raise ValueError(f'max_instances={max_instances} must be >= 1')
    if not shots or any(int(k) < 1 for k in shots):
        raise ValueError(f'shots={list(shots)} must be positive integers, e.g. (1, 2, 3, 5, 10)')
    if not split_seeds or any(int(k) < 0 for k in split_seeds):
        raise ValueError(f'split_seeds={list(split_seeds)} must be non-negative integers')
    if not 0 <= jpeg_quality <= 100:
        raise ValueError(f'jpeg_quality={jpeg_quality} must be within [0, 100]')
    out_dir = osp.normpath(out_dir)
    if osp.exists(out_dir) and not overwrite:
        raise FileExistsError(
            f'{out_dir} already exists; pass overwrite=True (--overwrite) to regenerate it '
            'or choose another folder'
        )
    parent = osp.dirname(osp.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f'.{osp.basename(out_dir)}.tmp-')
    try:
        _write_all(
            tmp,
            seed,
            counts,
            dict(
                size_range=size_range,
                glyph_range=glyph_range,
                max_instances=int(max_instances),
            ),
            int(jpeg_quality),
            show_progress,
        )
        _write_splits(tmp, counts, shots, split_seeds)
        meta = {
            'name': 'GlyphScenes',
            'version': GLYPH_SCENES_VERSION,
            'seed': seed,
            **counts,
            'image_size': list(size_range),
            'glyph_size': list(glyph_range),
            'max_instances': int(max_instances),
            'jpeg_quality': int(jpeg_quality),
            'shots': [int(k) for k in shots],
            'split_seeds': [int(k) for k in split_seeds],
            'classes': list(GLYPH_SCENES_CLASSES),
            'splits': {k: list(v) for k, v in GLYPH_SCENES_SPLIT.items()},
        }
        with open(osp.join(tmp, 'glyph_scenes.json'), 'w') as f:
            json.dump(meta, f, indent=2)
            f.write('\n')
        _publish(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _publish(tmp: str, out_dir: str) -> None:
    """Renames ``tmp`` to ``out_dir``, replacing an existing ``out_dir``."""
    if not osp.exists(out_dir):
        os.replace(tmp, out_dir)
        return
    old = tempfile.mkdtemp(dir=osp.dirname(osp.abspath(out_dir)), prefix='.glyph_scenes.old-')
    os.rmdir(old)
    os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _write_splits(
    root: str, counts: dict[str, int], shots: Sequence[int], seeds: Sequence[int]
) -> None:
    """Writes the TFA-layout split files of both formats under ``root/few_shot_ann``."""
    ann_files = ['VOC2007/ImageSets/Main/trainval.txt']
    if counts['num_trainval_2012']:
        ann_files.append('VOC2012/ImageSets/Main/trainval.txt')
    generate_voc_few_shot_splits(
        osp.join(root, 'VOCdevkit'),
        ann_files,
        osp.join(root, 'few_shot_ann', 'voc'),
        classes=GLYPH_SCENES_CLASSES,
        shots=shots,
        seeds=seeds,
    )
    generate_coco_few_shot_splits(
        osp.join(root, 'annotations', 'train.json'),
        osp.join(root, 'few_shot_ann', 'coco'),
        classes=GLYPH_SCENES_CLASSES,
        shots=shots,
        seeds=seeds,
    )


def _font_table() -> dict[int, list[str]]:
    fonts = find_dejavu_fonts()
    table = {}
    for name, cp in GLYPH_SCENES_CODEPOINTS.items():
        faces = faces_with_glyph(cp, fonts)
        if not faces:
            raise FileNotFoundError(
                f'no DejaVu face draws U+{cp:04X} (class {name!r}); reinstall matplotlib'
            )
        table[cp] = [fonts[face] for face in faces]
    return table


def _write_all(
    root: str,
    seed: int,
    counts: dict[str, int],
    render_args: dict[str, Any],
    jpeg_quality: int,
    show_progress: bool,
) -> None:
    fonts = _font_table()
    codepoints = list(GLYPH_SCENES_CODEPOINTS.values())
    coco = {
        'train': CocoBuilder(GLYPH_SCENES_CLASSES, GLYPH_SCENES_SUPERCATEGORIES),
        'val': CocoBuilder(GLYPH_SCENES_CLASSES, GLYPH_SCENES_SUPERCATEGORIES),
    }
    total = sum(counts.values())
    bar = ProgressBar(total) if show_progress and total else None
    next_id = {'VOC2007': 1, 'VOC2012': 1}
    for part_id, (folder, image_set, count_key, id_format) in enumerate(_PARTS):
        count = counts[count_key]
        if count == 0:
            continue
        year_dir = osp.join(root, 'VOCdevkit', folder)
        for sub in ('Annotations', 'JPEGImages', osp.join('ImageSets', 'Main')):
            os.makedirs(osp.join(year_dir, sub), exist_ok=True)
        ids = []
        for i in range(count):
            rng = np.random.default_rng([seed, part_id, i])
            scene = render_scene(rng, codepoints, fonts, **render_args)
            img_id = id_format.format(next_id[folder])
            next_id[folder] += 1
            ids.append(img_id)
            height, width = scene.img.shape[:2]
            ok, buf = cv2.imencode('.jpg', scene.img, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
            assert ok, 'JPEG encoding failed'
            with open(osp.join(year_dir, 'JPEGImages', f'{img_id}.jpg'), 'wb') as f:
                f.write(buf.tobytes())
            xml = voc_xml(
                folder, f'{img_id}.jpg', width, height, scene.boxes, scene.labels,
                GLYPH_SCENES_CLASSES,
            )  # fmt: skip
            with open(osp.join(year_dir, 'Annotations', f'{img_id}.xml'), 'w') as f:
                f.write(xml)
            coco['val' if image_set == 'test' else 'train'].add_image(
                f'VOCdevkit/{folder}/JPEGImages/{img_id}.jpg',
                width,
                height,
                scene.boxes,
                scene.labels,
            )
            if bar is not None:
                bar.update()
        with open(osp.join(year_dir, 'ImageSets', 'Main', f'{image_set}.txt'), 'w') as f:
            f.write(''.join(f'{img_id}\n' for img_id in ids))
    os.makedirs(osp.join(root, 'annotations'))
    for name, builder in coco.items():
        with open(osp.join(root, 'annotations', f'{name}.json'), 'w') as f:
            f.write(builder.to_json())
    if bar is not None:
        bar.file.write('\n')


__all__ = [
    'DEFAULT_GLYPH_SCENES_ROOT',
    'GLYPH_SCENES_CLASSES',
    'GLYPH_SCENES_CODEPOINTS',
    'GLYPH_SCENES_SPLIT',
    'GLYPH_SCENES_SUPERCATEGORIES',
    'GLYPH_SCENES_VERSION',
    'generate_glyph_scenes',
]
