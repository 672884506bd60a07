"""Generator of the *Glyphs* benchmark: an Omniglot-like few-shot dataset from fonts.

A class is one character; its images are that character rendered in the
DejaVu faces that matplotlib ships, with random scale, rotation, shift and
stroke noise (see :mod:`mmfewshot.utils.glyph_render`). The train, val and
test classes come from disjoint Unicode scripts. The output uses the
mini-ImageNet layout, so the CSV loader of the mini-ImageNet dataset reads it::

    <out_dir>/
        images/<class_name>/<class_name>_<i>.png   grayscale, dark ink on white
        train.csv  val.csv  test.csv               header "filename,label", then
                                                   rows "<class_name>/<file>.png,<class_name>"
        meta.json                                  seed, generator version, counts

Class names look like ``latin_U+0041``. The files depend only on the
arguments (same seed, same bytes), and nothing half-written is ever visible:
each file is written to a temporary name and renamed, and the whole folder is
built under a temporary name beside ``out_dir`` and renamed into place last.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from mmfewshot.utils.glyph_render import (
    SCRIPTS,
    codepoints_by_script,
    faces_with_glyph,
    find_dejavu_fonts,
    render_glyph,
    renders_ink,
)

#: Bumped whenever the same arguments would give different files.
GLYPHS_GENERATOR_VERSION = 1
#: Name of the metadata file; its presence marks a complete dataset.
GLYPHS_META_FILE = 'meta.json'
SPLITS = ('train', 'val', 'test')

#: Scripts of each split (disjoint).
DEFAULT_SPLIT_SCRIPTS: dict[str, tuple[str, ...]] = {
    'train': ('latin', 'armenian', 'hebrew', 'lao', 'lisu', 'ogham', 'nko'),
    'val': ('greek', 'tifinagh'),
    'test': ('cyrillic', 'georgian', 'arabic', 'canadian_syllabics'),
}
#: Classes drawn for each split (``None``: every eligible character).
DEFAULT_NUM_CLASSES: dict[str, int | None] = {'train': 400, 'val': 100, 'test': 160}

# Two characters of one split whose clean, blurred 16 px renderings (unit-norm
# vectors) are closer than this are treated as the same class and the later one
# is dropped: case pairs such as o/O or s/S (0.1-0.2 apart) go, while E/F (0.39)
# or a/á (0.66) stay.
_DEDUP_DISTANCE = 0.3
_SIGNATURE_SIZE = 16


class GlyphClass(NamedTuple):
    """One class of the benchmark: a character and the faces that draw it."""

    name: str
    script: str
    codepoint: int
    faces: tuple[str, ...]


def glyph_class_name(script: str, codepoint: int) -> str:
    """Returns the folder-safe class name, e.g. ``latin_U+0041``."""
    return f'{script}_U+{codepoint:04X}'


def _check_split_mapping(value: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(value) - set(SPLITS))
    if unknown:
        raise ValueError(f'{what} has unknown split(s) {unknown}; use keys from {list(SPLITS)}')


def _eligible(scripts: Sequence[str], fonts: Mapping[str, str], min_faces: int) -> list[GlyphClass]:
    """Letters of the scripts drawn with ink by at least ``min_faces`` faces, deduplicated."""
    groups = codepoints_by_script(fonts, scripts=scripts, min_faces=min_faces)
    kept: list[GlyphClass] = []
    signatures = np.zeros((0, _SIGNATURE_SIZE * _SIGNATURE_SIZE), dtype=np.float32)
    for script in scripts:
        for cp in groups[script]:
            faces = tuple(f for f in faces_with_glyph(cp, fonts) if renders_ink(cp, fonts[f]))
            if len(faces) < min_faces:
                continue
            clean = render_glyph(cp, fonts[faces[0]], _SIGNATURE_SIZE, rng=None)
            blurred = cv2.GaussianBlur(clean.astype(np.float32), (0, 0), sigmaX=1.0).ravel()
            vec = np.asarray(blurred / max(float(np.linalg.norm(blurred)), 1e-6), np.float32)
            if len(signatures):
                nearest = np.min(np.linalg.norm(signatures - vec, axis=1))
                if nearest < _DEDUP_DISTANCE:
                    continue
            signatures = np.concatenate([signatures, vec[None]])
            kept.append(GlyphClass(glyph_class_name(script, cp), script, cp, faces))
    return kept


def plan_glyph_classes(
    seed: int = 0,
    num_classes: Mapping[str, int | None] | None = None,
    scripts: Mapping[str, Sequence[str]] | None = None,
    faces: Sequence[str] | None = None,
    min_faces: int = 2,
) -> dict[str, list[GlyphClass]]:
    """Chooses the classes of each split without rendering any image.

    Eligible characters are the letters of the split's scripts that at least
    ``min_faces`` faces draw with ink, minus near-duplicates (characters whose
    clean renderings almost coincide, such as ``o`` and ``O``). When more are
    eligible than asked for, a subset is drawn with ``seed``.

    Args:
        seed: Seed of the class draw.
        num_classes: Split name to number of classes (``None``: all eligible);
            missing splits use :data:`DEFAULT_NUM_CLASSES`.
        scripts: Split name to its scripts; missing splits use
            :data:`DEFAULT_SPLIT_SCRIPTS`. Splits must not share a script.
        faces: DejaVu faces to draw with; ``None`` uses every bundled one.
        min_faces: Fewest faces that must draw a character for it to be a class.

    Returns:
        Split name to its classes, sorted by class name.

    Raises:
        ValueError: On unknown splits or scripts, scripts shared by two splits,
            or more classes asked for than are eligible.
    """
    num_classes = dict(num_classes or {})
    scripts = dict(scripts or {})
    _check_split_mapping(num_classes, 'num_classes')
    _check_split_mapping(scripts, 'scripts')
    split_scripts = {s: tuple(scripts.get(s, DEFAULT_SPLIT_SCRIPTS[s])) for s in SPLITS}
    owner: dict[str, str] = {}
    for split, names in split_scripts.items():
        for name in names:
            if name not in SCRIPTS:
                raise ValueError(
                    f'scripts[{split!r}] names unknown script {name!r}; use names from '
                    f'{list(SCRIPTS)}'
                )
            if name in owner:
                raise ValueError(
                    f'script {name!r} is in both the {owner[name]!r} and {split!r} splits; '
                    'give each script to one split only'
                )
            owner[name] = split
    if min_faces < 1:
        raise ValueError(f'min_faces={min_faces} must be at least 1')
    fonts = find_dejavu_fonts(faces)
    plan: dict[str, list[GlyphClass]] = {}
    for index, split in enumerate(SPLITS):
        eligible = _eligible(split_scripts[split], fonts, min_faces)
        wanted = num_classes.get(split, DEFAULT_NUM_CLASSES[split])
        if wanted is None:
            chosen = eligible
        elif wanted < 1 or wanted > len(eligible):
            raise ValueError(
                f'num_classes[{split!r}]={wanted} but scripts {list(split_scripts[split])} '
                f'give {len(eligible)} eligible characters (min_faces={min_faces}); ask for '
                f'1 to {len(eligible)} classes or add scripts to this split'
            )
        else:
            rng = np.random.default_rng([seed, index])
            picks = rng.choice(len(eligible), size=wanted, replace=False)
            chosen = [eligible[i] for i in sorted(picks.tolist())]
        plan[split] = sorted(chosen, key=lambda c: c.name)
    return plan


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f'.{path.name}.tmp')
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def _encode_png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode('.png', img, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    assert ok, 'cv2.imencode failed on a uint8 image'
    return buf.tobytes()


def _render_class(
    cls: GlyphClass,
    fonts: Mapping[str, str],
    seed: int,
    images_per_class: int,
    image_size: int,
    render_kwargs: Mapping[str, Any],
) -> list[np.ndarray]:
    """Images of one class, dark ink on white; they depend on the seed and class only."""
    rng = np.random.default_rng([seed, cls.codepoint])
    offset = int(rng.integers(len(cls.faces)))
    images = []
    for i in range(images_per_class):
        face = cls.faces[(offset + i) % len(cls.faces)]
        ink = render_glyph(cls.codepoint, fonts[face], image_size, rng, **render_kwargs)
        images.append(255 - ink)
    return images


def _csv_bytes(rows: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(['filename', 'label'])
    writer.writerows(rows)
    return out.getvalue().encode('utf-8')


def generate_glyphs(
    out_dir: str | os.PathLike,
    seed: int = 0,
    image_size: int = 32,
    images_per_class: int = 20,
    num_classes: Mapping[str, int | None] | None = None,
    scripts: Mapping[str, Sequence[str]] | None = None,
    faces: Sequence[str] | None = None,
    min_faces: int = 2,
    scale: tuple[float, float] = (0.6, 0.95),
    rotation: float = 20.0,
    shift: float = 0.1,
    stroke_noise: float = 0.7,
    overwrite: bool = False,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Writes the Glyphs benchmark in the mini-ImageNet layout.

    Args:
        out_dir: Folder to create (its parent is created if needed).
        seed: Seed of the class draw and of every image.
        image_size: Side of the square grayscale images, in pixels.
        images_per_class: Images written for each class.
        num_classes: Split name to number of classes, see :func:`plan_glyph_classes`.
        scripts: Split name to its scripts, see :func:`plan_glyph_classes`.
        faces: DejaVu faces to draw with; ``None`` uses every bundled one.
        min_faces: Fewest faces that must draw a character for it to be a class.
        scale: Range of a glyph's larger side, as a fraction of ``image_size``.
        rotation: Largest rotation in degrees.
        shift: Largest shift per axis, as a fraction of ``image_size``.
        stroke_noise: Strength of the stroke noise, 0 to 1.
        overwrite: Replace ``out_dir`` when it exists and is not empty.
        show_progress: Show a progress bar on stdout.

    Returns:
        The content of ``meta.json``: arguments, generator version and counts.

    Raises:
        FileExistsError: When ``out_dir`` exists, is not empty and
            ``overwrite`` is false.
        ValueError: On out-of-range arguments (see also :func:`plan_glyph_classes`).
    """
    out = Path(out_dir)
    if image_size < 8:
        raise ValueError(f'image_size={image_size} is too small; use at least 8 pixels')
    if images_per_class < 1:
        raise ValueError(f'images_per_class={images_per_class} must be at least 1')
    if out.exists() and not overwrite and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(
            f'{str(out)!r} already exists; remove it, pass overwrite=True '
            '(--overwrite on the command line) or choose another output folder'
        )
    render_kwargs: dict[str, Any] = dict(
        scale=tuple(scale),
        rotation=rotation,
        shift=shift,
        stroke_noise=stroke_noise,
        keep_details=True,
    )
    # Validate the rendering arguments once, before any work.
    render_glyph(
        'A', find_dejavu_fonts(['DejaVuSans'])['DejaVuSans'], image_size, None, **render_kwargs
    )
    plan = plan_glyph_classes(seed, num_classes, scripts, faces, min_faces)
    fonts = find_dejavu_fonts(faces)
    meta: dict[str, Any] = {
        'generator': 'mmfewshot.classification.datasets.glyphs_generator',
        'version': GLYPHS_GENERATOR_VERSION,
        'seed': seed,
        'image_size': image_size,
        'images_per_class': images_per_class,
        'faces': list(fonts),
        'min_faces': min_faces,
        'render': {
            'scale': list(scale),
            'rotation': rotation,
            'shift': shift,
            'stroke_noise': stroke_noise,
            'keep_details': True,
        },
        'splits': {},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{out.name}.tmp-', dir=out.parent))
    try:
        total = sum(len(classes) for classes in plan.values())
        bar = ProgressBar(total) if show_progress else None
        for split in SPLITS:
            rows = []
            for cls in plan[split]:
                class_dir = tmp / 'images' / cls.name
                class_dir.mkdir(parents=True)
                images = _render_class(
                    cls, fonts, seed, images_per_class, image_size, render_kwargs
                )
                for i, img in enumerate(images):
                    filename = f'{cls.name}_{i:03d}.png'
                    _write_atomic(class_dir / filename, _encode_png(img))
                    rows.append((f'{cls.name}/{filename}', cls.name))
                if bar is not None:
                    bar.update()
            _write_atomic(tmp / f'{split}.csv', _csv_bytes(rows))
            meta['splits'][split] = {
                'scripts': sorted({c.script for c in plan[split]}),
                'num_classes': len(plan[split]),
                'num_images': len(rows),
            }
        if bar is not None:
            bar.file.write('\n')
        text = json.dumps(meta, indent=2, sort_keys=True) + '\n'
        _write_atomic(tmp / GLYPHS_META_FILE, text.encode('utf-8'))
        _publish(tmp, out, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print_log(
        f'Glyphs benchmark written to {out}: '
        + ', '.join(f'{s} {meta["splits"][s]["num_classes"]} classes' for s in SPLITS),
        logger='current',
    )
    return meta


def _publish(tmp: Path, out: Path, overwrite: bool) -> None:
    """Moves the finished folder ``tmp`` to ``out`` with directory renames only."""
    old = None
    if out.exists():
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        elif overwrite:
            old = out.with_name(f'.{out.name}.old-{os.getpid()}')
            os.replace(out, old)
        elif (out / GLYPHS_META_FILE).is_file():
            # Another process finished the same dataset meanwhile: keep theirs.
            shutil.rmtree(tmp, ignore_errors=True)
            return
    try:
        os.rename(tmp, out)
    except OSError:
        if not (out / GLYPHS_META_FILE).is_file():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # lost a race against an identical writer
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
