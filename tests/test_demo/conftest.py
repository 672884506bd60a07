"""A tiny Glyphs-layout dataset and the tool/demo entry points, for the demo tests."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from mmfewshot.utils.glyph_render import find_dejavu_fonts, render_glyph

REPO = Path(__file__).resolve().parents[2]
FACES = ('DejaVuSans', 'DejaVuSerif', 'DejaVuSansMono', 'DejaVuSans-Bold')


def write_glyphs_layout(root: Path, letters: str, per_class: int, seed: int = 0) -> None:
    """Writes ``letters`` in the Glyphs layout (images/ + train/val/test CSVs listing all)."""
    fonts = find_dejavu_fonts(list(FACES))
    rng = np.random.RandomState(seed)
    rows = ['filename,label']
    for letter in letters:
        name = f'latin_U+{ord(letter):04X}'
        (root / 'images' / name).mkdir(parents=True)
        for i in range(per_class):
            ink = render_glyph(letter, fonts[FACES[i % len(FACES)]], 32, rng=rng)
            cv2.imwrite(str(root / 'images' / name / f'{name}_{i:03d}.png'), 255 - ink)
            rows.append(f'{name}/{name}_{i:03d}.png,{name}')
    for split in ('train', 'val', 'test'):
        (root / f'{split}.csv').write_text('\n'.join(rows) + '\n')


def load_script(relative: str) -> ModuleType:
    """Imports a script of the repository (tools/..., demo/...) as a module."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem + '_under_test', path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tiny_glyphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten Latin capitals x 6 images (32x32), as the training data of the tiny demo models."""
    root = tmp_path_factory.mktemp('glyphs')
    write_glyphs_layout(root, 'ABCDEFGHKM', per_class=6)
    return root


@pytest.fixture(scope='module')
def script() -> Callable[[str], ModuleType]:
    """``script(relative_path)``: a repository script imported as a module."""
    return load_script
