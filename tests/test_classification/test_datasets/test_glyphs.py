from __future__ import annotations

import cv2
import numpy as np
import pytest

from mmfewshot.classification.datasets import GlyphsDataset, MiniImageNetDataset
from mmfewshot.registry import DATASETS

# A tiny dataset in the generator's layout: class -> number of images.
SPLITS = {
    'train': {'latin_U+0062': 2, 'latin_U+0041': 3},
    'val': {'greek_U+03B1': 2},
    'test': {'cyrillic_U+0416': 2, 'arabic_U+0628': 1},
}
# Generator settings that render a 3/2/2-class set with 2 images each in about a second.
TINY = dict(
    image_size=8,
    images_per_class=2,
    num_classes={'train': 3, 'val': 2, 'test': 2},
    scripts={'train': ['ogham'], 'val': ['lisu'], 'test': ['nko']},
    faces=['DejaVuSans'],
    min_faces=1,
    show_progress=False,
)


@pytest.fixture
def glyph_root(tmp_path, write_image):
    root = tmp_path / 'glyphs'
    for k, (split, classes) in enumerate(SPLITS.items()):
        rows = ['filename,label']
        for name, count in classes.items():
            for i in range(count):
                filename = f'{name}/{name}_{i:03d}.png'
                write_image(root / 'images' / filename, seed=10 * k + i)
                rows.append(f'{filename},{name}')
        (root / f'{split}.csv').write_text('\n'.join(rows) + '\n')
    return root


def build(root, **kwargs) -> GlyphsDataset:
    cfg = dict(type='GlyphsDataset', data_prefix=str(root), pipeline=[])
    return DATASETS.build({**cfg, **kwargs})


def test_glyphs_classes_come_from_the_csv(glyph_root) -> None:
    dataset = build(glyph_root)
    assert isinstance(dataset, MiniImageNetDataset)
    assert dataset.CLASSES == ['latin_U+0062', 'latin_U+0041']
    assert dataset.get_gt_labels().tolist() == [0, 0, 1, 1, 1]
    assert dataset.data_infos[2]['img_info']['filename'] == 'latin_U+0041/latin_U+0041_000.png'
    assert dataset.data_infos[2]['img_prefix'] == str(glyph_root / 'images')


def test_glyphs_subset_list_and_loading(glyph_root) -> None:
    dataset = build(glyph_root, subset=['test', 'val'], pipeline=[dict(type='LoadImageFromFile')])
    assert dataset.CLASSES == ['cyrillic_U+0416', 'arabic_U+0628', 'greek_U+03B1']
    assert dataset.get_gt_labels().tolist() == [0, 0, 1, 2, 2]
    item = dataset[4]
    path = glyph_root / 'images' / 'greek_U+03B1' / 'greek_U+03B1_001.png'
    np.testing.assert_array_equal(item['img'], cv2.imread(str(path)))
    assert item['gt_label'] == 2


def test_glyphs_explicit_classes(glyph_root) -> None:
    dataset = build(glyph_root, classes=['latin_U+0041'])
    assert dataset.get_gt_labels().tolist() == [0, 0, 0]


def test_glyphs_generates_on_first_use(tmp_path, monkeypatch) -> None:
    root = tmp_path / 'data' / 'glyphs'
    root.mkdir(parents=True)  # an empty folder counts as missing
    dataset = build(root, generator_kwargs=dict(seed=3, **TINY))
    assert (root / 'meta.json').is_file()
    assert len(dataset.CLASSES) == 3
    assert all(name.startswith('ogham_U+') for name in dataset.CLASSES)
    assert len(dataset) == 6
    test_set = build(root, subset='test', pipeline=[dict(type='LoadImageFromFile')])
    assert all(name.startswith('nko_U+') for name in test_set.CLASSES)
    assert test_set[0]['img'].shape == (8, 8, 3)

    # An existing folder is read as it is, never generated again.
    import mmfewshot.classification.datasets.glyphs_generator as generator

    def fail(*args, **kwargs):
        raise AssertionError('generate_glyphs must not run when data_prefix exists')

    monkeypatch.setattr(generator, 'generate_glyphs', fail)
    assert build(root, subset='val').CLASSES == build(root, subset='val').CLASSES


def test_glyphs_missing_data_without_generation(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"data_prefix '.*absent' does not exist; gener"):
        build(tmp_path / 'absent', generate_if_missing=False)
    (tmp_path / 'half').mkdir()
    (tmp_path / 'half' / 'val.csv').write_text('filename,label\n')
    with pytest.raises(FileNotFoundError, match=r"split file '.*train.csv' does not exist"):
        build(tmp_path / 'half')
    with pytest.raises(ValueError, match=r'the val CSVs under .*half.* list no images'):
        build(tmp_path / 'half', subset='val')


def test_glyphs_row_naming_a_missing_file(glyph_root) -> None:
    (glyph_root / 'images' / 'greek_U+03B1' / 'greek_U+03B1_001.png').unlink()
    with pytest.raises(
        FileNotFoundError, match=r"line 3 of .*val.csv' names 'greek_U\+03B1/greek_U\+03B1_001.png'"
    ):
        build(glyph_root, subset='val')


def test_glyphs_unknown_subset(glyph_root) -> None:
    with pytest.raises(ValueError, match=r"subset='dev' does not exist"):
        build(glyph_root, subset='dev')
