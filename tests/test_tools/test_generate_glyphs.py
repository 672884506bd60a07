"""Tests of tools/data/classification/generate_glyphs.py (arguments, output, errors)."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import mmfewshot.classification.datasets.glyphs_generator as gen

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'data' / 'classification' / 'generate_glyphs.py'


@pytest.fixture(scope='module')
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location('generate_glyphs_tool', SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def small_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small default scripts so that planning the classes is quick."""
    monkeypatch.setitem(gen.DEFAULT_SPLIT_SCRIPTS, 'train', ('lisu',))
    monkeypatch.setitem(gen.DEFAULT_SPLIT_SCRIPTS, 'val', ('armenian',))
    monkeypatch.setitem(gen.DEFAULT_SPLIT_SCRIPTS, 'test', ('hebrew',))


def test_defaults(tool: ModuleType) -> None:
    args = tool.parse_args([])
    assert args.out == 'data/glyphs'
    assert args.seed == 0
    assert args.image_size == 32
    assert args.images_per_class == 20
    assert (args.train_classes, args.val_classes, args.test_classes) == (400, 100, 160)
    assert tool.parse_args(['--out-dir', 'x']).out == 'x'


def test_main_writes_the_dataset(
    tool: ModuleType, small_scripts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / 'glyphs'
    argv = ['--out', str(out), '--seed', '4', '--image-size', '12', '--images-per-class', '2']
    argv += ['--train-classes', '5', '--val-classes', '2', '--test-classes', '3']
    assert tool.main([*argv, '--no-progress']) == 0
    printed = capsys.readouterr().out
    assert f'wrote {out}' in printed
    assert 'train: 5 classes / 10 images' in printed
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['seed'] == 4
    assert meta['image_size'] == 12
    with open(out / 'test.csv', newline='') as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['filename', 'label']
    assert len(rows) == 1 + 3 * 2
    # Existing output: a one-line error and exit code 2, the data untouched.
    before = (out / 'meta.json').read_bytes()
    assert tool.main([*argv, '--no-progress']) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ')
    assert 'already exists' in err
    assert '--overwrite' in err
    assert (out / 'meta.json').read_bytes() == before
    assert tool.main([*argv, '--no-progress', '--overwrite', '--seed', '5']) == 0
    assert json.loads((out / 'meta.json').read_text())['seed'] == 5


def test_main_reports_impossible_counts(
    tool: ModuleType, small_scripts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ['--out', str(tmp_path / 'g'), '--train-classes', '5', '--val-classes', '2']
    code = tool.main([*argv, '--test-classes', '999', '--no-progress'])
    assert code == 2
    assert "num_classes['test']=999" in capsys.readouterr().err
    assert not (tmp_path / 'g').exists()


@pytest.mark.slow
def test_default_set_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / 'g'
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), '--out', str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert '660/660' in proc.stdout  # the progress bar reached every class
    meta = json.loads((out / 'meta.json').read_text())
    counts = {s: (v['num_classes'], v['num_images']) for s, v in meta['splits'].items()}
    assert counts == {'train': (400, 8000), 'val': (100, 2000), 'test': (160, 3200)}
    scripts = [set(meta['splits'][s]['scripts']) for s in ('train', 'val', 'test')]
    assert not (scripts[0] & scripts[1])
    assert not (scripts[0] & scripts[2])
    assert not (scripts[1] & scripts[2])
    images = list((out / 'images').rglob('*.png'))
    assert len(images) == 13200
    per_class = {p.parent.name for p in images}
    assert len(per_class) == 660
