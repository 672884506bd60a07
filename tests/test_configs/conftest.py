"""A tiny dataset in the Glyphs layout for the end-to-end runs of the Glyphs configs."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.utils.glyph_render import find_dejavu_fonts, render_glyph

FACES = ('DejaVuSans', 'DejaVuSerif', 'DejaVuSansMono', 'DejaVuSans-Bold')


@pytest.fixture(scope='module')
def tiny_glyphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """16 Latin capitals x 8 images (32x32), listed in each of train/val/test.csv."""
    root = tmp_path_factory.mktemp('glyphs')
    fonts = find_dejavu_fonts(list(FACES))
    rng = np.random.RandomState(0)
    rows = ['filename,label']
    for letter in 'ABCDEFGHJKLMNPRT':
        name = f'latin_U+{ord(letter):04X}'
        (root / 'images' / name).mkdir(parents=True)
        for i in range(8):
            ink = render_glyph(letter, fonts[FACES[i % len(FACES)]], 32, rng=rng)
            cv2.imwrite(str(root / 'images' / name / f'{name}_{i:03d}.png'), 255 - ink)
            rows.append(f'{name}/{name}_{i:03d}.png,{name}')
    for split in ('train', 'val', 'test'):
        (root / f'{split}.csv').write_text('\n'.join(rows) + '\n')
    return root
