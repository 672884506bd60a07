from __future__ import annotations

import os.path as osp

import cv2
import numpy as np
import pytest

from mmfewshot.classification.datasets import CUBDataset
from mmfewshot.classification.datasets.cub import cub_split_classes
from mmfewshot.registry import DATASETS

# Class folder -> number of images written by the fixture. Index i (0-based) of
# the folder order: 0, 2 are train (even), 1, 5 are val (i % 4 == 1), 3 is test.
FOLDERS = {
    '001.Black_footed_Albatross': 3,
    '002.Laysan_Albatross': 2,
    '003.Sooty_Albatross': 2,
    '004.Groove_billed_Ani': 2,
    '006.Least_Auklet': 1,
}


@pytest.fixture
def cub_root(tmp_path, write_image):
    root = tmp_path / 'CUB_200_2011'
    for k, (folder, count) in enumerate(FOLDERS.items()):
        for j in range(count):
            write_image(root / 'images' / folder / f'{folder[4:]}_{j:04d}.jpg', seed=10 * k + j)
    (root / 'images' / '001.Black_footed_Albatross' / '.DS_Store').write_text('x')
    return root


def build(root, **kwargs) -> CUBDataset:
    return DATASETS.build(dict(type='CUBDataset', data_prefix=str(root), pipeline=[], **kwargs))


def test_cub_split_sizes_and_published_names() -> None:
    assert len(CUBDataset.CLASSES) == 200
    assert CUBDataset.CLASSES[0] == '001.Black_footed_Albatross'
    assert CUBDataset.CLASSES[199] == '200.Common_Yellowthroat'
    assert CUBDataset.CLASSES[43] == '044.Frigatebird'
    train, val, test = (cub_split_classes(s) for s in ('train', 'val', 'test'))
    assert (len(train), len(val), len(test)) == (100, 50, 50)
    assert set(train) | set(val) | set(test) == set(CUBDataset.CLASSES)
    assert train[:3] == ['001.Black_footed_Albatross', '003.Sooty_Albatross', '005.Crested_Auklet']
    assert val[:3] == ['002.Laysan_Albatross', '006.Least_Auklet', '010.Red_winged_Blackbird']
    assert test[:2] == ['004.Groove_billed_Ani', '008.Rhinoceros_Auklet']
    assert test[-1] == '200.Common_Yellowthroat'
    assert val[-1] == '198.Rock_Wren'


def test_cub_seeded_shuffle_is_local_and_reproducible() -> None:
    state = np.random.get_state()
    shuffled = cub_split_classes('train', classes_id_seed=7)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(state[1:3], after[1:3], strict=True))
    perm = np.random.RandomState(7).permutation(200)
    assert shuffled == [CUBDataset.CLASSES[p] for p in perm[0::2]]
    assert cub_split_classes('val', classes_id_seed=7) == [
        CUBDataset.CLASSES[p] for p in perm[1::4]
    ]
    assert cub_split_classes('test', classes_id_seed=7) == [
        CUBDataset.CLASSES[p] for p in perm[3::4]
    ]
    assert shuffled != cub_split_classes('train')
    assert shuffled == cub_split_classes('train', classes_id_seed=7)
    assert shuffled != cub_split_classes('train', classes_id_seed=8)


def test_cub_loads_the_train_folders(cub_root) -> None:
    dataset = build(cub_root, subset='train')
    assert len(dataset.CLASSES) == 100
    assert dataset.subset == ['train']
    # Train folders present: 001 (label 0, 3 images) and 003 (label 1, 2 images).
    assert len(dataset) == 5
    assert dataset.get_gt_labels().tolist() == [0, 0, 0, 1, 1]
    assert dataset.data_infos_class_dict[0] == [0, 1, 2]
    assert dataset.data_infos_class_dict[2] == []
    info = dataset.data_infos[3]
    assert info['img_info']['filename'] == '003.Sooty_Albatross/Sooty_Albatross_0000.jpg'
    assert osp.isfile(osp.join(info['img_prefix'], info['img_info']['filename']))
    assert isinstance(info['gt_label'], np.int64)


def test_cub_subset_list_concatenates_classes(cub_root) -> None:
    dataset = build(cub_root, subset=['val', 'test'])
    assert len(dataset.CLASSES) == 100
    assert dataset.CLASSES[:2] == ['002.Laysan_Albatross', '006.Least_Auklet']
    assert dataset.CLASSES[50] == '004.Groove_billed_Ani'
    names = [dataset.CLASSES[label] for label in dataset.get_gt_labels()]
    assert (
        names == ['002.Laysan_Albatross'] * 2 + ['006.Least_Auklet'] + ['004.Groove_billed_Ani'] * 2
    )


def test_cub_with_seed_and_explicit_classes(cub_root) -> None:
    seeded = build(cub_root, subset='test', classes_id_seed=3)
    assert cub_split_classes('test', 3) == seeded.CLASSES
    chosen = build(cub_root, classes=['004.Groove_billed_Ani', '001.Black_footed_Albatross'])
    assert chosen.get_gt_labels().tolist() == [0, 0, 1, 1, 1]


def test_cub_getitem_loads_the_image(cub_root) -> None:
    dataset = DATASETS.build(
        dict(
            type='CUBDataset',
            data_prefix=str(cub_root),
            subset='test',
            pipeline=[dict(type='LoadImageFromFile')],
        )
    )
    item = dataset[1]
    path = cub_root / 'images' / '004.Groove_billed_Ani' / 'Groove_billed_Ani_0001.jpg'
    assert item['filename'] == str(path)
    np.testing.assert_array_equal(item['img'], cv2.imread(str(path)))
    assert item['gt_label'] == 0  # 004 is the first test class


def test_cub_missing_data_prefix(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"data_prefix '.*nowhere' does not exist.*CUB_200"):
        build(tmp_path / 'nowhere')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match=r"CUB image folder '.*images' does not exist"):
        build(tmp_path / 'empty')


def test_cub_class_folder_without_images(cub_root) -> None:
    folder = cub_root / 'images' / '005.Crested_Auklet'
    folder.mkdir()
    (folder / 'notes.txt').write_text('no image here')
    with pytest.raises(
        FileNotFoundError, match=r"class folder '.*005.Crested_Auklet' has no images"
    ):
        build(cub_root)


def test_cub_no_class_folder_of_the_subset(tmp_path) -> None:
    (tmp_path / 'CUB_200_2011' / 'images' / 'unrelated').mkdir(parents=True)
    with pytest.raises(
        FileNotFoundError, match=r"none of the 50 class folders of subset \['val'\]"
    ):
        build(tmp_path / 'CUB_200_2011', subset='val')


@pytest.mark.parametrize('subset', ['training', ['train', 'tst'], []])
def test_cub_unknown_subset(cub_root, subset) -> None:
    with pytest.raises(ValueError, match=r'subset=.* (does not exist|is empty)'):
        build(cub_root, subset=subset)


def test_cub_truncated_image_fails_with_its_path(cub_root) -> None:
    path = cub_root / 'images' / '004.Groove_billed_Ani' / 'Groove_billed_Ani_0000.jpg'
    path.write_bytes(path.read_bytes()[:20])
    dataset = DATASETS.build(
        dict(
            type='CUBDataset',
            data_prefix=str(cub_root),
            subset='test',
            pipeline=[dict(type='LoadImageFromFile')],
        )
    )
    with pytest.raises(OSError, match=r'Groove_billed_Ani_0000\.jpg is truncated') as info:
        dataset[0]
    assert len(str(info.value).splitlines()) == 1
