"""Tests of the GlyphScenes generator: tables, box correctness, formats, split files, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from mmfewshot.detection.datasets import glyph_scenes as gs
from mmfewshot.detection.datasets._glyph_scene_render import INK_THRESHOLD, render_scene
from mmfewshot.detection.datasets.glyph_scenes import (
    GLYPH_SCENES_CLASSES,
    GLYPH_SCENES_CODEPOINTS,
    GLYPH_SCENES_SPLIT,
    generate_glyph_scenes,
)
from mmfewshot.detection.datasets.splits import VOC_SPLIT
from mmfewshot.registry import DATASETS
from mmfewshot.utils.glyph_render import faces_with_glyph, find_dejavu_fonts

SEED = 5  # with these sizes every class has an exact 1- and 2-instance choice
SMALL = dict(
    num_trainval_2007=40,
    num_test_2007=8,
    num_trainval_2012=30,
    shots=(1, 2),
    show_progress=False,
)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    """A small benchmark at <tmp>/data/glyph_scenes (the default-dataset layout)."""
    out = tmp_path_factory.mktemp('gs') / 'data' / 'glyph_scenes'
    generate_glyph_scenes(str(out), seed=SEED, **SMALL)
    return out


def file_digests(folder):
    digests = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as f:
                digests[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return digests


def font_table():
    fonts = find_dejavu_fonts()
    return {
        cp: [fonts[f] for f in faces_with_glyph(cp, fonts)]
        for cp in GLYPH_SCENES_CODEPOINTS.values()
    }


# ----------------------------------------------------------------------------- tables


def test_class_table_has_20_distinct_characters():
    assert len(GLYPH_SCENES_CLASSES) == 20
    assert len(set(GLYPH_SCENES_CODEPOINTS.values())) == 20
    assert len(gs.GLYPH_SCENES_SUPERCATEGORIES) == 20


@pytest.mark.parametrize('split', [1, 2, 3])
def test_splits_mirror_voc(split):
    base = GLYPH_SCENES_SPLIT[f'BASE_CLASSES_SPLIT{split}']
    novel = GLYPH_SCENES_SPLIT[f'NOVEL_CLASSES_SPLIT{split}']
    assert len(base) == 15
    assert len(novel) == 5
    assert GLYPH_SCENES_SPLIT[f'ALL_CLASSES_SPLIT{split}'] == base + novel
    # class i stands for the i-th VOC class in alphabetical order
    voc_slot = {name: i for i, name in enumerate(sorted(VOC_SPLIT['ALL_CLASSES_SPLIT1']))}
    glyph_slot = {name: i for i, name in enumerate(GLYPH_SCENES_CLASSES)}
    for key in ('ALL', 'BASE', 'NOVEL'):
        name = f'{key}_CLASSES_SPLIT{split}'
        assert [glyph_slot[c] for c in GLYPH_SCENES_SPLIT[name]] == [
            voc_slot[c] for c in VOC_SPLIT[name]
        ]


# ----------------------------------------------------------------------------- one scene


@pytest.mark.parametrize('seed', range(8))
def test_each_box_tightly_encloses_its_drawn_glyph(seed):
    cps = list(GLYPH_SCENES_CODEPOINTS.values())
    scene = render_scene(np.random.default_rng(seed), cps, font_table())
    height, width = scene.img.shape[:2]
    assert 160 <= height <= 256
    assert 160 <= width <= 256
    assert len(scene.boxes) >= 1
    union = np.zeros((height, width), bool)
    for box, mask in zip(scene.boxes, scene.masks, strict=True):
        rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
        tight = [cols[0], rows[0], cols[-1] + 1, rows[-1] + 1]
        assert box.tolist() == tight
        assert not (union & mask).any()  # instances do not overlap
        union |= mask
    assert scene.boxes[:, :2].min() >= 0
    assert (scene.boxes[:, 2] <= width).all()
    assert (scene.boxes[:, 3] <= height).all()
    # every pixel that differs from the background belongs to a glyph
    changed = (scene.img != scene.background).any(axis=2)
    assert not (changed & ~union).any()
    # and a glyph pixel is drawn with visible ink: most of them differ from the background
    assert changed[union].mean() > 0.5


def test_render_scene_is_a_function_of_the_seed():
    cps = list(GLYPH_SCENES_CODEPOINTS.values())
    a = render_scene(np.random.default_rng(5), cps, font_table())
    b = render_scene(np.random.default_rng(5), cps, font_table())
    c = render_scene(np.random.default_rng(6), cps, font_table())
    assert np.array_equal(a.img, b.img)
    assert np.array_equal(a.boxes, b.boxes)
    assert a.img.shape != c.img.shape or not np.array_equal(a.img, c.img)
    assert INK_THRESHOLD > 0


# ----------------------------------------------------------------------------- generated files


def test_layout_and_counts(root):
    voc07 = root / 'VOCdevkit' / 'VOC2007'
    trainval = (voc07 / 'ImageSets' / 'Main' / 'trainval.txt').read_text().split()
    test = (voc07 / 'ImageSets' / 'Main' / 'test.txt').read_text().split()
    assert len(trainval) == 40
    assert len(test) == 8
    assert not set(trainval) & set(test)
    assert (voc07 / 'JPEGImages' / f'{test[0]}.jpg').is_file()
    voc12 = (root / 'VOCdevkit' / 'VOC2012' / 'ImageSets' / 'Main' / 'trainval.txt').read_text()
    assert voc12.split()[0] == '2012_000001'
    assert len(voc12.split()) == 30
    train = json.loads((root / 'annotations' / 'train.json').read_text())
    val = json.loads((root / 'annotations' / 'val.json').read_text())
    assert len(train['images']) == 70
    assert len(val['images']) == 8
    assert [c['name'] for c in train['categories']] == list(GLYPH_SCENES_CLASSES)
    for img in train['images'] + val['images']:
        assert (root / img['file_name']).is_file()
    meta = json.loads((root / 'glyph_scenes.json').read_text())
    assert meta['seed'] == SEED
    assert meta['classes'] == list(GLYPH_SCENES_CLASSES)
    assert not [p for p in os.listdir(root.parent) if p.startswith('.')]


def test_voc_xml_boxes_equal_the_rendered_boxes(root):
    # image i of part p comes from default_rng([seed, p, i]); VOC keeps 1-based inclusive boxes
    cps = list(GLYPH_SCENES_CODEPOINTS.values())
    fonts = font_table()
    for part, image_id in ((0, '000002'), (1, '000041'), (2, '2012_000003')):
        index = {'000002': 1, '000041': 0, '2012_000003': 2}[image_id]
        scene = render_scene(
            np.random.default_rng([SEED, part, index]), cps, fonts, max_instances=4
        )
        folder = 'VOC2012' if image_id.startswith('2012') else 'VOC2007'
        tree = ET.parse(root / 'VOCdevkit' / folder / 'Annotations' / f'{image_id}.xml')
        objects = tree.findall('object')
        assert [o.findtext('name') for o in objects] == [
            GLYPH_SCENES_CLASSES[label] for label in scene.labels
        ]
        for obj, box in zip(objects, scene.boxes.tolist(), strict=True):
            bb = obj.find('bndbox')
            xml_box = [int(bb.findtext(k)) for k in ('xmin', 'ymin', 'xmax', 'ymax')]
            assert xml_box == [box[0] + 1, box[1] + 1, box[2], box[3]]
        assert int(tree.findtext('size/width')) == scene.img.shape[1]


def test_same_seed_writes_identical_bytes_other_seed_differs(root, tmp_path):
    again = tmp_path / 'again'
    generate_glyph_scenes(str(again), seed=SEED, **SMALL)
    assert file_digests(again) == file_digests(root)
    other = tmp_path / 'other'
    no_2012 = {**SMALL, 'num_trainval_2007': 70, 'num_trainval_2012': 0, 'shots': (1,)}
    generate_glyph_scenes(str(other), seed=4, **no_2012)
    first = 'VOCdevkit/VOC2007/JPEGImages/000001.jpg'
    assert file_digests(other)[first] != file_digests(root)[first]
    assert not (other / 'VOCdevkit' / 'VOC2012').exists()


def _voc_instances(root, line, name):
    subset, _, filename = line.split('/')
    xml = root / 'VOCdevkit' / subset / 'Annotations' / filename.replace('.jpg', '.xml')
    return sum(o.findtext('name') == name for o in ET.parse(xml).findall('object'))


@pytest.mark.parametrize('shot', [1, 2])
def test_split_files_hold_k_instances_per_class(root, shot):
    for name in GLYPH_SCENES_CLASSES:
        voc = (
            root
            / 'few_shot_ann'
            / 'voc'
            / f'benchmark_{shot}shot'
            / f'box_{shot}shot_{name}_train.txt'
        )
        lines = voc.read_text().split()
        assert sum(_voc_instances(root, line, name) for line in lines) == shot
        coco_file = f'full_box_{shot}shot_{name}_trainval.json'
        coco = json.loads(
            (root / 'few_shot_ann' / 'coco' / f'benchmark_{shot}shot' / coco_file).read_text()
        )
        assert len(coco['annotations']) == shot
        cat = GLYPH_SCENES_CLASSES.index(name) + 1
        assert {a['category_id'] for a in coco['annotations']} == {cat}


# ----------------------------------------------------------------------------- real dataset classes


def test_voc_format_loads_with_fewshot_voc_dataset(root):
    dataset = DATASETS.build(
        dict(
            type='FewShotVOCDataset',
            ann_cfg=[
                dict(
                    type='ann_file',
                    ann_file=str(root / 'VOCdevkit/VOC2007/ImageSets/Main/test.txt'),
                )
            ],
            img_prefix=str(root / 'VOCdevkit'),
            classes=list(GLYPH_SCENES_CLASSES),
            pipeline=[],
        )
    )
    assert len(dataset) == 8
    coco = json.loads((root / 'annotations' / 'val.json').read_text())
    for i, img in enumerate(coco['images']):
        ann = dataset.get_ann_info(i)
        expected = [
            [a['bbox'][0], a['bbox'][1], a['bbox'][0] + a['bbox'][2], a['bbox'][1] + a['bbox'][3]]
            for a in coco['annotations']
            if a['image_id'] == img['id']
        ]
        # the default coordinate_offset [-1, -1, 0, 0] maps VOC back to pixel edges
        assert ann['bboxes'].tolist() == expected
        assert dataset.data_infos[i]['filename'].endswith(img['file_name'].split('/', 1)[1])


def test_coco_format_loads_with_fewshot_coco_dataset(root):
    dataset = DATASETS.build(
        dict(
            type='FewShotCocoDataset',
            ann_cfg=[dict(type='ann_file', ann_file=str(root / 'annotations' / 'train.json'))],
            img_prefix=str(root),
            classes=list(GLYPH_SCENES_CLASSES),
            pipeline=[],
        )
    )
    assert len(dataset) == 70
    info = dataset.data_infos[0]
    assert os.path.isfile(os.path.join(str(root), info['filename']))
    assert dataset.get_ann_info(0)['labels'].size >= 1


def test_glyph_scenes_split_names_and_default_datasets(root):
    ann_root = str(root.parent.parent)  # the folder holding data/glyph_scenes
    voc = DATASETS.build(
        dict(
            type='GlyphScenesVOCDefaultDataset',
            ann_cfg=[dict(method='TFA', setting='SPLIT2_2SHOT', ann_root=ann_root)],
            img_prefix=str(root / 'VOCdevkit'),
            classes='ALL_CLASSES_SPLIT2',
            pipeline=[],
        )
    )
    assert list(GLYPH_SCENES_SPLIT['ALL_CLASSES_SPLIT2']) == voc.CLASSES
    labels = np.concatenate([voc.get_ann_info(i)['labels'] for i in range(len(voc))])
    assert np.bincount(labels, minlength=20).tolist() == [2] * 20
    coco = DATASETS.build(
        dict(
            type='GlyphScenesCocoDefaultDataset',
            ann_cfg=[dict(method='Attention_RPN', setting='SPLIT1_1SHOT', ann_root=ann_root)],
            img_prefix=str(root),
            classes='NOVEL_CLASSES_SPLIT1',
            pipeline=[],
        )
    )
    labels = np.concatenate([coco.get_ann_info(i)['labels'] for i in range(len(coco))])
    assert np.bincount(labels, minlength=5).tolist() == [1] * 5
    assert list(GLYPH_SCENES_SPLIT['NOVEL_CLASSES_SPLIT1']) == coco.CLASSES


# ----------------------------------------------------------------------------- errors, atomicity


def test_existing_folder_needs_overwrite(root, tmp_path):
    out = tmp_path / 'gs'
    out.mkdir()
    (out / 'old.txt').write_text('old')
    with pytest.raises(FileExistsError, match=r'already exists; pass overwrite=True'):
        generate_glyph_scenes(str(out), **SMALL)
    generate_glyph_scenes(str(out), seed=SEED, overwrite=True, **SMALL)
    assert not (out / 'old.txt').exists()
    assert file_digests(out) == file_digests(root)
    assert sorted(os.listdir(tmp_path)) == ['gs']


def test_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError('disk full')

    monkeypatch.setattr(gs, '_write_splits', boom)
    with pytest.raises(RuntimeError, match='disk full'):
        generate_glyph_scenes(str(tmp_path / 'gs'), **SMALL)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ('kwargs', 'message'),
    [
        (dict(num_test_2007=0), r'num_test_2007=0 must both be >= 1'),
        (dict(num_trainval_2012=-1), r'num_trainval_2012=-1 must be >= 0'),
        (dict(image_size=(300, 200)), r'image_size=\(300, 200\) must be \(min, max\)'),
        (dict(glyph_size=(200, 220)), r'glyph_size=\(200, 220\) must start at most at 160'),
        (dict(shots=(0,)), r'shots=\[0\] must be positive'),
        (dict(jpeg_quality=101), r'jpeg_quality=101'),
    ],
)
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_glyph_scenes(str(tmp_path / 'gs'), **{**SMALL, **kwargs})
    assert os.listdir(tmp_path) == []


def test_coco_evaluation_of_the_true_boxes_is_perfect(root):
    dataset = DATASETS.build(
        dict(
            type='GlyphScenesCocoDataset',
            ann_cfg=[dict(type='ann_file', ann_file=str(root / 'annotations' / 'val.json'))],
            img_prefix=str(root),
            classes='ALL_CLASSES_SPLIT1',
            pipeline=[],
            test_mode=True,
        )
    )
    val = json.loads((root / 'annotations' / 'val.json').read_text())
    order = list(dataset.CLASSES)
    results = []
    for img in val['images']:
        per_class = [np.zeros((0, 5), np.float32) for _ in order]
        for a in val['annotations']:
            if a['image_id'] == img['id']:
                x, y, w, h = a['bbox']
                label = order.index(GLYPH_SCENES_CLASSES[a['category_id'] - 1])
                box = np.array([[x, y, x + w, y + h, 1.0]], np.float32)
                per_class[label] = np.vstack([per_class[label], box])
        results.append(per_class)
    metrics = dataset.evaluate(results, class_splits=['BASE_CLASSES_SPLIT1'])
    # pycocotools at IoU 0.50:0.95 only scores 1.0 when the boxes match to the pixel
    assert metrics['bbox_mAP'] == 1.0
    assert metrics['BASE_CLASSES_SPLIT1 bbox_mAP'] == 1.0
