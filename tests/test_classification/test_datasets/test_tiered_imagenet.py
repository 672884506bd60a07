from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.classification.datasets import TieredImageNetDataset
from mmfewshot.registry import DATASETS

SCRIPT = (
    Path(__file__).resolve().parents[3]
    / 'tools/data/classification/tiered-imagenet/unzip_tiered_imagenet.py'
)
TRAIN_SPECIFIC = ['Yorkshire terrier', 'space shuttle', 'drake']  # train classes 0, 1, 2
TRAIN_GENERAL = ['terrier', 'craft', 'aquatic bird']
TRAIN_LABELS = [0, 1, 0, 2, 1]
VAL_SPECIFIC = ['cab, hack, taxi, taxicab', 'jeep, landrover']  # val classes 0, 1
VAL_GENERAL = ['motor vehicle, automotive vehicle']


def dump(path: Path, obj) -> None:
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def write_subset(root: Path, subset, specific_str, general_str, specific, general, images):
    dump(
        root / f'{subset}_labels.pkl',
        {
            'label_specific': np.array(specific),
            'label_general': np.array(general),
            'label_specific_str': specific_str,
            'label_general_str': general_str,
        },
    )
    dump(root / f'{subset}_images_png.pkl', images)


@pytest.fixture
def tiered(tmp_path, png_bytes):
    """Writes train (5 images) and val (2 images) pickles; returns (root, pixels)."""
    root = tmp_path / 'tiered_imagenet'
    root.mkdir()
    encoded = [png_bytes(seed) for seed in range(7)]
    train_images = [data for data, _ in encoded[:5]]
    train_images[2] = np.frombuffer(train_images[2], dtype=np.uint8)  # release format
    write_subset(
        root, 'train', TRAIN_SPECIFIC, TRAIN_GENERAL, TRAIN_LABELS, TRAIN_LABELS, train_images
    )
    val_images = [data for data, _ in encoded[5:]]
    write_subset(root, 'val', VAL_SPECIFIC, VAL_GENERAL, [1, 0], [0, 0], val_images)
    return root, [img for _, img in encoded]


def build(root, **kwargs) -> TieredImageNetDataset:
    cfg = dict(type='TieredImageNetDataset', data_prefix=str(root), pipeline=[])
    return DATASETS.build({**cfg, **kwargs})


def load_script():
    spec = importlib.util.spec_from_file_location('unzip_tiered_imagenet', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiered_imagenet_published_split() -> None:
    tables = (
        TieredImageNetDataset.TRAIN_CLASSES,
        TieredImageNetDataset.VAL_CLASSES,
        TieredImageNetDataset.TEST_CLASSES,
    )
    assert [len(t) for t in tables] == [351, 97, 160]
    assert [len({g for _, g in t}) for t in tables] == [20, 6, 8]
    assert len({s for t in tables for s, _ in t}) == 608
    assert tables[0][0] == ('Yorkshire terrier', 'terrier')
    assert tables[1][0] == ('cab, hack, taxi, taxicab', 'motor vehicle, automotive vehicle')
    assert tables[2][0] == ('Siberian husky', 'working dog')
    assert {g.split(',')[0] for _, g in tables[1]} == {
        'motor vehicle',
        'sporting dog',
        'furnishing',
        'mechanism',
        'machine',
        'durables',
    }
    assert {g.split(',')[0] for _, g in tables[2]} == {
        'working dog', 'insect', 'solid', 'aquatic vertebrate', 'vessel', 'substance',
        'obstruction', 'geological formation',
    }  # fmt: skip
    assert len(TieredImageNetDataset.CLASSES) == 608


def test_tiered_imagenet_reads_png_bytes_from_the_pickle(tiered) -> None:
    root, pixels = tiered
    dataset = build(root)
    assert len(dataset.CLASSES) == 351
    assert len(dataset) == 5
    assert dataset.get_gt_labels().tolist() == TRAIN_LABELS
    for i, info in enumerate(dataset.data_infos):
        assert info['img_prefix'] is None
        assert info['img_info']['filename'] == f'train_image_{i}.byte'
        assert isinstance(info['img_bytes'], bytes)
        decoded = cv2.imdecode(np.frombuffer(info['img_bytes'], np.uint8), cv2.IMREAD_COLOR)
        np.testing.assert_array_equal(decoded, pixels[i])
    loading = build(root, pipeline=[dict(type='LoadImageFromBytes')])
    item = loading[2]  # stored as a uint8 array in the pickle
    np.testing.assert_array_equal(item['img'], pixels[2])
    assert item['ori_filename'] == 'train_image_2.byte'
    assert item['gt_label'] == 0
    assert 'img_bytes' in loading.data_infos[2]  # the pipeline worked on a copy


def test_tiered_imagenet_truncated_bytes_fail_with_the_image_name(tiered) -> None:
    root, _ = tiered
    images = pickle.loads((root / 'val_images_png.pkl').read_bytes())
    dump(root / 'val_images_png.pkl', [images[0][:30], images[1]])
    dataset = build(root, subset='val', pipeline=[dict(type='LoadImageFromBytes')])
    assert dataset[1]['img'].shape == (4, 3, 3)
    with pytest.raises(OSError, match=r'val_image_0\.byte .*(truncated|decoded)') as info:
        dataset[0]
    assert len(str(info.value).splitlines()) == 1


def test_tiered_imagenet_subset_list_keeps_every_subset(tiered) -> None:
    root, _ = tiered
    dataset = build(root, subset=['train', 'val'])
    assert len(dataset.CLASSES) == 351 + 97
    assert len(dataset) == 7
    assert dataset.get_gt_labels().tolist() == [*TRAIN_LABELS, 352, 351]
    assert [info['img_info']['filename'] for info in dataset.data_infos[5:]] == [
        'val_image_0.byte',
        'val_image_1.byte',
    ]


def test_tiered_imagenet_explicit_classes_skip_other_images(tiered) -> None:
    root, _ = tiered
    dataset = build(root, classes=['drake', 'Yorkshire terrier'])
    assert dataset.get_gt_labels().tolist() == [1, 1, 0]
    assert [info['img_info']['filename'] for info in dataset.data_infos] == [
        'train_image_0.byte',
        'train_image_2.byte',
        'train_image_3.byte',
    ]


def test_unzip_script_writes_files_and_dataset_reads_them(tiered, capsys) -> None:
    root, pixels = tiered
    script = load_script()
    assert script.main(['--dir', str(root), '--no-progress']) == 0
    for i in range(5):
        written = (root / 'train' / f'train_image_{i}.byte').read_bytes()
        decoded = cv2.imdecode(np.frombuffer(written, np.uint8), cv2.IMREAD_COLOR)
        np.testing.assert_array_equal(decoded, pixels[i])
    assert sorted(p.name for p in root.iterdir()) == [
        'train', 'train_images_png.pkl', 'train_labels.pkl', 'val', 'val_images_png.pkl',
        'val_labels.pkl',
    ]  # fmt: skip
    assert sorted(p.name for p in (root / 'val').iterdir()) == [
        'val_image_0.byte',
        'val_image_1.byte',
    ]
    (root / 'train_images_png.pkl').unlink()  # the files are enough now
    dataset = build(root, pipeline=[dict(type='LoadImageFromBytes')])
    assert 'img_bytes' not in dataset.data_infos[0]
    assert dataset.data_infos[3]['img_prefix'] == str(root / 'train')
    item = dataset[3]
    np.testing.assert_array_equal(item['img'], pixels[3])
    assert item['gt_label'] == 2
    capsys.readouterr()
    assert script.main(['--dir', str(root), '--subsets', 'val', '--no-progress']) == 0
    assert 'exists, skipping val' in capsys.readouterr().out


def test_unzip_script_resumes_and_overwrites(tiered) -> None:
    root, _ = tiered
    script = load_script()
    staging = root / '.val.partial'
    staging.mkdir()
    (staging / 'val_image_0.byte').write_bytes(b'garbage')  # wrong size: rewritten
    assert script.unzip_subset(str(root), 'val', progress=False) == 2
    assert not staging.exists()
    val_bytes = pickle.loads((root / 'val_images_png.pkl').read_bytes())
    assert (root / 'val' / 'val_image_0.byte').read_bytes() == val_bytes[0]
    (root / 'val' / 'val_image_1.byte').write_bytes(b'stale')
    assert script.unzip_subset(str(root), 'val', overwrite=True, progress=False) == 2
    assert (root / 'val' / 'val_image_1.byte').read_bytes() == val_bytes[1]
    assert sorted(p.name for p in root.iterdir() if p.name.startswith('.')) == []


def test_unzip_script_rejects_mismatched_pickles(tiered) -> None:
    root, _ = tiered
    dump(root / 'val_images_png.pkl', [b'x'])
    with pytest.raises(ValueError, match=r'holds 1 images but .*val_labels.pkl.* has 2 labels'):
        load_script().unzip_subset(str(root), 'val', progress=False)
    assert not (root / 'val').exists()
    with pytest.raises(FileNotFoundError, match=r"'.*test_images_png.pkl' does not exist"):
        load_script().unzip_subset(str(root), 'test', progress=False)


def test_tiered_imagenet_unzipped_folder_missing_a_file(tiered) -> None:
    root, _ = tiered
    load_script().main(['--dir', str(root), '--no-progress'])
    (root / 'train' / 'train_image_4.byte').unlink()
    with pytest.raises(FileNotFoundError, match=r"train_image_4.byte' is missing; rerun .*unzip"):
        build(root)


def test_tiered_imagenet_mismatched_pickles(tiered) -> None:
    root, _ = tiered
    dump(root / 'val_images_png.pkl', [b'only one'])
    with pytest.raises(ValueError, match=r"val_images_png.pkl' holds 1 images but val_labels.pkl"):
        build(root, subset='val')


def test_tiered_imagenet_general_class_is_checked(tiered) -> None:
    root, _ = tiered
    write_subset(root, 'train', ['drake'], ['craft'], [0], [0], [b'x'])
    with pytest.raises(ValueError, match=r"puts 'drake' under 'craft', but the published split"):
        build(root)


def test_tiered_imagenet_bad_label_pickles(tiered) -> None:
    root, _ = tiered
    write_subset(root, 'val', ['drake'], ['aquatic bird'], [0], [0], [b'x'])
    with pytest.raises(
        ValueError, match=r"class 'drake', which is not a tiered-ImageNet val class"
    ):
        build(root, subset='val')
    write_subset(root, 'val', VAL_SPECIFIC, VAL_GENERAL, [0, 5], [0, 0], [b'x', b'y'])
    with pytest.raises(ValueError, match=r'label_specific of .* indices up to 5, but label_spec'):
        build(root, subset='val')
    write_subset(root, 'val', VAL_SPECIFIC, VAL_GENERAL, [0, 1], [0], [b'x', b'y'])
    with pytest.raises(ValueError, match=r'has 2 label_specific but 1 label_general entries'):
        build(root, subset='val')
    dump(root / 'val_labels.pkl', {'label_specific': np.array([0])})
    with pytest.raises(KeyError, match=r"lacks the key 'label_general'"):
        build(root, subset='val')


def test_tiered_imagenet_missing_files(tmp_path, tiered) -> None:
    root, _ = tiered
    with pytest.raises(FileNotFoundError, match=r"data_prefix '.*nothing' does not exist"):
        build(tmp_path / 'nothing')
    with pytest.raises(FileNotFoundError, match=r"label file '.*test_labels.pkl' does not exist"):
        build(root, subset='test')
    (root / 'val_images_png.pkl').unlink()
    with pytest.raises(FileNotFoundError, match=r'neither the image pickle .* nor the unzipped'):
        build(root, subset='val')
    with pytest.raises(ValueError, match=r"subset='validation' does not exist"):
        build(root, subset='validation')


def test_tiered_imagenet_rejects_non_image_items(tiered) -> None:
    root, _ = tiered
    dump(root / 'val_images_png.pkl', [b'x', 3])
    with pytest.raises(TypeError, match=r'item 1 of .* is a int, not encoded image bytes'):
        build(root, subset='val')
