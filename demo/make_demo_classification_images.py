"""Writes the support and query images of the classification demos (no download needed).

Five Cyrillic capital letters, a script that the Glyphs benchmark keeps for
testing (never seen in training), rendered from matplotlib's DejaVu fonts as
32x32 grayscale PNGs, dark ink on white like the Glyphs images: one support
image per letter in DejaVu Sans, and query images of two letters in DejaVu
Serif with the benchmark's random distortions. The file stem is the class
name. The same seed always writes the same files.

Example:
    python demo/make_demo_classification_images.py --out demo/demo_classification_images
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import tempfile

import cv2
import numpy as np

from mmfewshot.utils.glyph_render import find_dejavu_fonts, render_glyph

#: Class name -> character.
LETTERS = {'Zhe': 'Ж', 'Ef': 'Ф', 'Shcha': 'Щ', 'Ya': 'Я', 'Yu': 'Ю'}
QUERIES = ('Zhe', 'Ya')
IMAGE_SIZE = 32


def _write_png(path: str, ink: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    ok, buf = cv2.imencode('.png', 255 - ink)
    if not ok:
        raise RuntimeError(f'could not encode {path}')
    fd, tmp = tempfile.mkstemp(suffix='.png', dir=osp.dirname(path))
    with os.fdopen(fd, 'wb') as f:
        f.write(buf.tobytes())
    os.replace(tmp, path)


def make_images(out_dir: str) -> list[str]:
    """Writes ``support_images/<class>.png`` and ``query_images/<class>.png``; returns the paths."""
    fonts = find_dejavu_fonts(['DejaVuSans', 'DejaVuSerif'])
    written = []
    for name, char in LETTERS.items():
        path = osp.join(out_dir, 'support_images', f'{name}.png')
        _write_png(path, render_glyph(char, fonts['DejaVuSans'], IMAGE_SIZE, rng=None))
        written.append(path)
    for name in QUERIES:
        path = osp.join(out_dir, 'query_images', f'{name}.png')
        _write_png(path, render_glyph(LETTERS[name], fonts['DejaVuSerif'], IMAGE_SIZE, rng=None))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description='Write the classification demo images.')
    default = osp.join(osp.dirname(osp.abspath(__file__)), 'demo_classification_images')
    parser.add_argument('--out', default=default, help='output folder')
    args = parser.parse_args(argv)
    for path in make_images(args.out):
        print(path)


if __name__ == '__main__':
    main()
