"""Reads the code blocks of the documentation that the tests run.

A block is marked in the Markdown source by an HTML comment on the line
before its opening fence (the comment is invisible once rendered):

* ``<!-- snippet: config REL/PATH.py -->``: a config file, written to
  ``REL/PATH.py`` under a temporary root before the test loads it;
* ``<!-- snippet: python NAME -->``: Python code that the test executes;
* ``<!-- snippet: bash NAME -->``: shell commands that the test runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / 'docs'
_MARKED_BLOCK = re.compile(
    r'<!-- snippet: (config|python|bash) (\S+) -->\n```[a-z]*\n(.*?)\n```', re.DOTALL
)


@dataclass
class PageSnippets:
    """The marked blocks of one page, by kind and name."""

    configs: dict[str, str] = field(default_factory=dict)
    python: dict[str, str] = field(default_factory=dict)
    bash: dict[str, str] = field(default_factory=dict)

    def write_configs(self, root: Path) -> None:
        """Writes every config block to its relative path under ``root``."""
        for rel, text in self.configs.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + '\n')


def read_snippets(page: str) -> PageSnippets:
    """Parses the marked blocks of ``docs/<page>``; a name may appear only once per kind."""
    text = (DOCS / page).read_text(encoding='utf-8')
    snippets = PageSnippets()
    for kind, name, code in _MARKED_BLOCK.findall(text):
        table = {'config': snippets.configs, 'python': snippets.python, 'bash': snippets.bash}[kind]
        assert name not in table, f'{page}: snippet {kind} {name} is marked twice'
        table[name] = code
    return snippets


@pytest.fixture
def snippets() -> Callable[[str], PageSnippets]:
    """``snippets('classification/config.md')`` returns that page's marked blocks."""
    return read_snippets


@pytest.fixture
def run_python() -> Callable[..., dict[str, Any]]:
    """Executes a Python block in a fresh namespace (plus ``given`` names) and returns it."""

    def run(
        code: str, name: str = '<doc snippet>', given: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        module_name = 'doc_snippet_' + re.sub(r'\W', '_', name)
        namespace: dict[str, Any] = {'__name__': module_name, **(given or {})}
        exec(compile(code, name, 'exec'), namespace)
        return namespace

    return run


@pytest.fixture
def run_bash() -> Callable[..., subprocess.CompletedProcess]:
    """Runs a shell block with bash (``python`` is this interpreter); fails on a non-zero exit."""

    def run(code: str, cwd: Path = REPO_ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
        bin_dir = str(Path(sys.executable).parent)
        script = f'export PATH="{bin_dir}:$PATH"\nset -euo pipefail\n{code}\n'
        result = subprocess.run(
            ['bash', '-c', script], cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f'{code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}'
        return result

    return run


@pytest.fixture
def tiny_glyphs(tmp_path: Path) -> Path:
    """``<tmp>/data/glyphs`` in the Glyphs layout: 6 classes per subset, 6 images per class.

    Images are 16x16 PNGs whose grey level encodes the class, so the files differ per class.
    """
    import numpy as np
    from PIL import Image

    root = tmp_path / 'data' / 'glyphs'
    for subset, offset in (('train', 0), ('val', 6), ('test', 12)):
        rows = ['filename,label']
        for c in range(offset, offset + 6):
            name = f'char{c:02d}'
            (root / 'images' / name).mkdir(parents=True)
            for i in range(6):
                pixels = np.full((16, 16), 10 * c + i, dtype=np.uint8)
                Image.fromarray(pixels).save(root / 'images' / name / f'{name}_{i}.png')
                rows.append(f'{name}/{name}_{i}.png,{name}')
        (root / f'{subset}.csv').write_text('\n'.join(rows) + '\n')
    return root


@pytest.fixture(scope='session')
def glyph_scenes_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GlyphScenes benchmark at ``<root>/data/glyph_scenes`` (30 trainval, 4 test images)."""
    import warnings

    from mmfewshot.detection.datasets import generate_glyph_scenes

    root = tmp_path_factory.mktemp('glyph_scenes_docs')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # a tiny set cannot always hit K exactly
        generate_glyph_scenes(
            str(root / 'data' / 'glyph_scenes'),
            seed=5,
            num_trainval_2007=30,
            num_test_2007=4,
            num_trainval_2012=0,
            shots=(1,),
            image_size=(64, 96),
            glyph_size=(32, 48),
            show_progress=False,
        )
    return root


# image id -> (class, [x1, y1, x2, y2]) in VOC (1-based) pixel coordinates; images are 120x100
_VOC_BOXES = {
    '000001': [('cat', [10, 10, 60, 50]), ('dog', [70, 20, 110, 90])],
    '000002': [('dog', [5, 5, 50, 60])],
    '000003': [('cat', [20, 30, 90, 80])],
    '000004': [('cat', [1, 1, 40, 40]), ('dog', [50, 50, 100, 95])],
}


@pytest.fixture
def voc_boxes() -> dict[str, list[tuple[str, list[int]]]]:
    """The objects of the ``voc_dir`` images: id -> [(class, [x1, y1, x2, y2]), ...]."""
    return {key: list(value) for key, value in _VOC_BOXES.items()}


@pytest.fixture
def voc_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``my_voc/VOC2007`` (XML, JPEG, ``trainval.txt``) with the 4 images above, as cwd."""
    import numpy as np
    from PIL import Image

    voc = tmp_path / 'my_voc' / 'VOC2007'
    for folder in ('Annotations', 'JPEGImages', 'ImageSets/Main'):
        (voc / folder).mkdir(parents=True)
    for img_id, objects in _VOC_BOXES.items():
        parts = [f'<annotation><filename>{img_id}.jpg</filename>']
        parts.append('<size><width>120</width><height>100</height><depth>3</depth></size>')
        for name, (x1, y1, x2, y2) in objects:
            parts.append(
                f'<object><name>{name}</name><difficult>0</difficult><bndbox><xmin>{x1}</xmin>'
                f'<ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>'
            )
        parts.append('</annotation>')
        (voc / 'Annotations' / f'{img_id}.xml').write_text(''.join(parts))
        image = np.full((100, 120, 3), 60 + 40 * int(img_id), dtype=np.uint8)
        Image.fromarray(image).save(voc / 'JPEGImages' / f'{img_id}.jpg')
    (voc / 'ImageSets' / 'Main' / 'trainval.txt').write_text('\n'.join(_VOC_BOXES) + '\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path
