from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.classification.datasets import MiniImageNetDataset
from mmfewshot.registry import DATASETS

TRAIN_A, TRAIN_B = 'n02074367', 'n01532829'  # train classes 0 and 50
VAL_A = 'n02138441'  # val class 0
TEST_A = 'n03544143'  # test class 19


def write_csv(path, rows) -> None:
    path.write_text('filename,label\n' + ''.join(f'{f},{label}\n' for f, label in rows))


@pytest.fixture
def mini_root(tmp_path, write_image):
    """Raw-ImageNet class folders for train/val, a flat pre-resized copy for test."""
    root = tmp_path / 'mini_imagenet'
    images = root / 'images'
    # Numbers chosen so that numeric order (2, 10, 33) differs from text order.
    for k, number in enumerate((10, 2, 33)):
        write_image(images / TRAIN_A / f'{TRAIN_A}_{number}.JPEG', seed=k)
    write_image(images / TRAIN_B / f'{TRAIN_B}_7.JPEG', seed=5)
    write_image(images / TRAIN_B / f'{TRAIN_B}_8.png', seed=6)  # other extension: ignored
    write_image(images / VAL_A / f'{VAL_A}_1.JPEG', seed=7)
    write_image(images / VAL_A / f'{VAL_A}_4.JPEG', seed=8)
    write_image(images / f'{TEST_A}00000001.jpg', seed=9)
    write_image(images / f'{TEST_A}00000002.jpg', seed=10)
    write_csv(
        root / 'train.csv',
        [
            (f'{TRAIN_A}00000001.jpg', TRAIN_A),
            (f'{TRAIN_A}00000003.jpg', TRAIN_A),
            (f'{TRAIN_B}00000001.jpg', TRAIN_B),
            (f'{TRAIN_A}00000002.jpg', TRAIN_A),
        ],
    )
    write_csv(root / 'val.csv', [(f'{VAL_A}00000002.jpg', VAL_A), (f'{VAL_A}00000001.jpg', VAL_A)])
    write_csv(
        root / 'test.csv', [(f'{TEST_A}00000002.jpg', TEST_A), (f'{TEST_A}00000001.jpg', TEST_A)]
    )
    return root


def build(root, **kwargs) -> MiniImageNetDataset:
    cfg = dict(type='MiniImageNetDataset', data_prefix=str(root), pipeline=[])
    return DATASETS.build({**cfg, **kwargs})


def test_mini_imagenet_published_split() -> None:
    train, val, test = (
        MiniImageNetDataset.TRAIN_CLASSES,
        MiniImageNetDataset.VAL_CLASSES,
        MiniImageNetDataset.TEST_CLASSES,
    )
    assert (len(train), len(val), len(test)) == (64, 16, 20)
    assert len(set(train) | set(val) | set(test)) == 100
    assert (train[0], train[50], train[-1]) == ('n02074367', 'n01532829', 'n02120079')
    assert (val[0], val[-1]) == ('n02138441', 'n03075370')
    assert (test[0], test[-1]) == ('n02110341', 'n03544143')


def test_mini_imagenet_maps_csv_digits_to_numerically_sorted_files(mini_root) -> None:
    dataset = build(mini_root)
    assert len(dataset.CLASSES) == 64
    filenames = [info['img_info']['filename'] for info in dataset.data_infos]
    # Index 1 -> _2, 3 -> _33, 2 -> _10 (sorted by the integer after '_').
    assert filenames == [
        f'{TRAIN_A}/{TRAIN_A}_2.JPEG',
        f'{TRAIN_A}/{TRAIN_A}_33.JPEG',
        f'{TRAIN_B}/{TRAIN_B}_7.JPEG',
        f'{TRAIN_A}/{TRAIN_A}_10.JPEG',
    ]
    assert dataset.get_gt_labels().tolist() == [0, 0, 50, 0]
    assert dataset.data_infos_class_dict[0] == [0, 1, 3]
    assert dataset.data_infos[0]['img_prefix'] == str(mini_root / 'images')


def test_mini_imagenet_flat_layout_uses_files_directly(mini_root) -> None:
    dataset = build(mini_root, subset='test')
    assert [info['img_info']['filename'] for info in dataset.data_infos] == [
        f'{TEST_A}00000002.jpg',
        f'{TEST_A}00000001.jpg',
    ]
    assert dataset.get_gt_labels().tolist() == [19, 19]


def test_mini_imagenet_subset_list_loads_all(mini_root) -> None:
    dataset = build(mini_root, subset=['val', 'train'])
    assert len(dataset.CLASSES) == 80
    assert dataset.CLASSES[0] == VAL_A
    assert dataset.CLASSES[16] == TRAIN_A
    assert dataset.get_gt_labels().tolist() == [0, 0, 16, 16, 66, 16]


def test_mini_imagenet_file_format_selects_the_extension(mini_root) -> None:
    dataset = build(mini_root, file_format='png', classes=[TRAIN_B])
    assert [info['img_info']['filename'] for info in dataset.data_infos] == [
        f'{TRAIN_B}/{TRAIN_B}_8.png'
    ]
    with pytest.raises(FileNotFoundError, match=rf"'.*{TRAIN_A}' has no \*\.png images; set file_"):
        build(mini_root, file_format='png')


def test_mini_imagenet_getitem_loads_the_image(mini_root) -> None:
    dataset = build(mini_root, subset='val', pipeline=[dict(type='LoadImageFromFile')])
    item = dataset[0]
    path = mini_root / 'images' / VAL_A / f'{VAL_A}_4.JPEG'
    assert item['filename'] == str(path)
    np.testing.assert_array_equal(item['img'], cv2.imread(str(path)))
    assert item['gt_label'] == 0


def test_mini_imagenet_row_naming_a_missing_file(mini_root) -> None:
    with open(mini_root / 'val.csv', 'a') as f:
        f.write(f'{VAL_A}00000003.jpg,{VAL_A}\n')
    with pytest.raises(
        FileNotFoundError,
        match=rf"line 4 of '.*val.csv' names '{VAL_A}00000003.jpg' \(image 3 of class {VAL_A}\)"
        r'.*holds only 2 \*\.JPEG files',
    ):
        build(mini_root, subset='val')


def test_mini_imagenet_row_naming_a_missing_class_folder(mini_root) -> None:
    name = 'n0211034100000001.jpg'
    write_csv(mini_root / 'test.csv', [(name, 'n02110341')])
    with pytest.raises(FileNotFoundError, match=rf"line 2 .* names '{name}', but neither"):
        build(mini_root, subset='test')


def test_mini_imagenet_bad_csv(mini_root) -> None:
    write_csv(mini_root / 'val.csv', [(f'{VAL_A}00000001.jpg', TRAIN_A)])
    with pytest.raises(ValueError, match=rf"label '{TRAIN_A}', which is not a mini-ImageNet val"):
        build(mini_root, subset='val')
    (mini_root / 'val.csv').write_text(f'{VAL_A}00000001.jpg,{VAL_A}\n')
    with pytest.raises(ValueError, match='must be the header "filename,label"'):
        build(mini_root, subset='val')
    (mini_root / 'val.csv').write_text(f'filename,label\n{VAL_A}00000001.jpg\n')
    with pytest.raises(ValueError, match=r"line 2 of .* is 'n02138441.*'; each row must be"):
        build(mini_root, subset='val')
    (mini_root / 'val.csv').unlink()
    with pytest.raises(FileNotFoundError, match=r"split file '.*val.csv' does not exist"):
        build(mini_root, subset='val')


def test_mini_imagenet_missing_data_prefix_and_subset(tmp_path, mini_root) -> None:
    with pytest.raises(FileNotFoundError, match=r"data_prefix '.*absent' does not exist"):
        build(tmp_path / 'absent')
    with pytest.raises(ValueError, match=r"subset='trian' does not exist; use one of 'train'"):
        build(mini_root, subset='trian')
    with pytest.raises(ValueError, match=r"file_format='' is invalid"):
        build(mini_root, file_format='')


def load_link_script():
    path = (
        Path(__file__).resolve().parents[3]
        / 'tools/data/classification/mini-imagenet/link_imagenet.py'
    )
    spec = importlib.util.spec_from_file_location('link_imagenet', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('copy', [False, True])
def test_link_imagenet_script_lays_out_the_class_folders(tmp_path, write_image, copy) -> None:
    imagenet = tmp_path / 'ILSVRC2012' / 'train'
    wnids = [
        *MiniImageNetDataset.TRAIN_CLASSES,
        *MiniImageNetDataset.VAL_CLASSES,
        *MiniImageNetDataset.TEST_CLASSES,
    ]
    for k, wnid in enumerate(wnids):
        write_image(imagenet / wnid / f'{wnid}_{k + 1}.JPEG', seed=k, height=2, width=2)
    (imagenet / 'n09999999').mkdir()  # not a mini-ImageNet class: left out
    out = tmp_path / 'mini_imagenet'
    script = load_link_script()
    argv = ['--imagenet-train', str(imagenet), '--out', str(out)] + (['--copy'] if copy else [])
    assert script.main(argv) == 0
    assert sorted(p.name for p in (out / 'images').iterdir()) == sorted(wnids)
    assert (out / 'images' / TEST_A).is_symlink() is not copy
    write_csv(out / 'test.csv', [(f'{TEST_A}00000001.jpg', TEST_A)])
    dataset = build(out, subset='test', pipeline=[dict(type='LoadImageFromFile')])
    assert dataset.data_infos[0]['img_info']['filename'] == f'{TEST_A}/{TEST_A}_100.JPEG'
    assert dataset[0]['img'].shape == (2, 2, 3)
    assert script.main(argv) == 0  # a second run keeps what is there


def test_link_imagenet_script_reports_missing_classes(tmp_path, capsys) -> None:
    (tmp_path / 'train').mkdir()
    script = load_link_script()
    assert script.main(['--imagenet-train', str(tmp_path / 'train'), '--out', str(tmp_path)]) == 1
    assert '100 of the 100 class folders are missing' in capsys.readouterr().out
