"""Tests of tools/data/detection/generate_glyph_scenes.py (arguments, output, errors)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = (
    Path(__file__).resolve().parents[2]
    / 'tools'
    / 'data'
    / 'detection'
    / 'generate_glyph_scenes.py'
)


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('generate_glyph_scenes_tool', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults(tool):
    args = tool.parse_args([])
    assert args.out == 'data/glyph_scenes'
    assert (args.num_trainval_2007, args.num_test_2007, args.num_trainval_2012) == (1000, 500, 1000)
    assert list(args.shots) == [1, 2, 3, 5, 10]
    assert list(args.image_size) == [160, 256]


def test_writes_the_benchmark_with_the_given_arguments(tool, tmp_path, capsys):
    out = tmp_path / 'gs'
    argv = [
        '--out', str(out), '--seed', '4', '--num-trainval-2007', '70', '--num-test-2007', '5',
        '--num-trainval-2012', '0', '--shots', '1', '--image-size', '160', '200',
        '--no-progress',
    ]  # fmt: skip
    assert tool.main(argv) == 0
    assert 'wrote 75 images to' in capsys.readouterr().out
    meta = json.loads((out / 'glyph_scenes.json').read_text())
    assert meta['seed'] == 4
    assert meta['image_size'] == [160, 200]
    assert meta['shots'] == [1]
    assert len((out / 'VOCdevkit/VOC2007/ImageSets/Main/test.txt').read_text().split()) == 5
    assert (out / 'few_shot_ann/voc/benchmark_1shot/box_1shot_omega_train.txt').is_file()
    # a second run refuses to overwrite, with one clear line and exit code 2
    assert tool.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ')
    assert 'already exists; pass overwrite=True' in err
    assert err.count('\n') == 1


def test_bad_argument_exits_with_2(tool, tmp_path, capsys):
    assert tool.main(['--out', str(tmp_path / 'x'), '--max-instances', '0', '--no-progress']) == 2
    assert 'max_instances=0 must be >= 1' in capsys.readouterr().err
    assert not (tmp_path / 'x').exists()
