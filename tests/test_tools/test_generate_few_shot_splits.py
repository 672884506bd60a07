"""Tests of tools/data/detection/generate_few_shot_splits.py (arguments, output, errors)."""

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
    / 'generate_few_shot_splits.py'
)


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('generate_few_shot_splits_tool', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults(tool):
    voc = tool.parse_args(['voc'])
    assert voc.img_prefix == 'data/VOCdevkit'
    assert voc.out_dir == 'data/few_shot_ann/voc'
    assert voc.shots == [1, 2, 3, 5, 10]
    assert voc.seeds == [0]
    coco = tool.parse_args(['coco'])
    assert coco.ann_file == 'data/few_shot_ann/coco/annotations/train.json'
    assert coco.shots == [10, 30]


def write_voc(root: Path) -> None:
    ann = root / 'VOC2007' / 'Annotations'
    sets = root / 'VOC2007' / 'ImageSets' / 'Main'
    ann.mkdir(parents=True)
    sets.mkdir(parents=True)
    ids = [f'{k:06d}' for k in range(4)]
    for i in ids:
        (ann / f'{i}.xml').write_text(
            '<annotation><size><width>50</width><height>40</height></size><object>'
            '<name>cat</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>1</ymin>'
            '<xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>'
        )
    (sets / 'trainval.txt').write_text('\n'.join(ids) + '\n')


def test_voc_command_writes_the_tfa_layout(tool, tmp_path, capsys):
    write_voc(tmp_path / 'VOCdevkit')
    out = tmp_path / 'few_shot_ann' / 'voc'
    argv = [
        'voc',
        '--img-prefix',
        str(tmp_path / 'VOCdevkit'),
        '--ann-files',
        'VOC2007/ImageSets/Main/trainval.txt',
        '--out-dir',
        str(out),
        '--shots',
        '1',
        '3',
        '--seeds',
        '0',
        '1',
    ]
    assert tool.main(argv) == 0
    assert 'wrote 4 split files' in capsys.readouterr().out
    lines = (out / 'seed1' / 'benchmark_3shot' / 'box_3shot_cat_train.txt').read_text().split()
    assert len(lines) == 3
    assert all(line.startswith('VOC2007/JPEGImages/0000') for line in lines)
    assert (out / 'benchmark_1shot' / 'box_1shot_cat_train.txt').is_file()


def test_coco_command_and_errors(tool, tmp_path, capsys):
    src = tmp_path / 'train.json'
    src.write_text(
        json.dumps(
            {
                'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 50, 'height': 50}],
                'annotations': [
                    {
                        'id': 1,
                        'image_id': 1,
                        'category_id': 5,
                        'bbox': [1, 1, 9, 9],
                        'area': 81,
                        'iscrowd': 0,
                    }
                ],
                'categories': [{'id': 5, 'name': 'cat'}],
            }
        )
    )
    out = tmp_path / 'coco'
    assert tool.main(['coco', '--ann-file', str(src), '--out-dir', str(out), '--shots', '1']) == 0
    data = json.loads((out / 'benchmark_1shot' / 'full_box_1shot_cat_trainval.json').read_text())
    assert [a['id'] for a in data['annotations']] == [1]
    assert tool.main(['coco', '--ann-file', str(src), '--out-dir', str(out), '--shots', '2']) == 1
    assert "class 'cat' has only 1 instances" in capsys.readouterr().err
