"""docs/classification/customize_dataset.md: a user dataset, episodes, meta-test, a transform."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from mmfewshot.registry import DATASETS, TRANSFORMS
from mmfewshot.transforms import Compose

PAGE = 'classification/customize_dataset.md'
NUM_CLASSES, PER_CLASS = 6, 4


@pytest.fixture
def user_dir(snippets, tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """The page's module and config, and `my_images/` with 6 classes x 4 images, as cwd."""
    page = snippets(PAGE)
    (tmp_path / 'my_dataset.py').write_text(page.python['my_dataset'] + '\n')
    page.write_configs(tmp_path)
    images = tmp_path / 'my_images'
    images.mkdir()
    lines = []
    for c in range(NUM_CLASSES):
        for i in range(PER_CLASS):
            name = f'{c}_{i}.png'
            Image.fromarray(np.full((20, 24, 3), 40 * c + i, dtype=np.uint8)).save(images / name)
            lines.append(f'{name} {c}')
    (images / 'train.txt').write_text('\n'.join(lines) + '\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    DATASETS._module_dict.pop('MyFewShotDataset', None)
    sys.modules.pop('my_dataset', None)


def test_user_dataset_loads_through_custom_imports(user_dir: Path) -> None:
    assert 'MyFewShotDataset' not in DATASETS
    cfg = Config.fromfile('my_dataset_config.py')  # imports my_dataset, which registers the class
    dataset = DATASETS.build(cfg.data.train.dataset)
    assert len(dataset) == NUM_CLASSES * PER_CLASS
    assert dataset.CLASSES == ['cat', 'dog', 'fox', 'owl', 'yak', 'emu']
    assert dataset.data_infos_class_dict[2] == [8, 9, 10, 11]
    sample = dataset[9]  # image 1 of class 2: grey level 81, normalised to (81 - 127.5) / 127.5
    assert sample['img'].shape == (3, 28, 28)
    assert torch.allclose(sample['img'], torch.full((3, 28, 28), (81 - 127.5) / 127.5))
    assert int(sample['gt_label']) == 2


def test_episodes_and_meta_test_snippets(snippets, run_python, user_dir: Path) -> None:
    page = snippets(PAGE)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(page.python['episodes'], 'episodes')
        lines = stdout.getvalue().splitlines()
        namespace = run_python(page.python['meta_test'], 'meta_test', given=namespace)
    assert lines[0] == 'torch.Size([5, 3, 28, 28])'
    assert lines[1] == 'tensor([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])'
    batch, episodes = namespace['batch'], namespace['episodes']
    # the support images (grey level 40 * class + i) are the 5 classes of one of the
    # (shuffled) episodes, in way order
    levels = batch['support_data']['img'][:, 0, 0, 0] * 127.5 + 127.5
    classes = [round(float(v)) // 40 for v in levels]
    assert len(set(classes)) == 5
    assert classes in [episodes.get_episode_class_ids(i) for i in range(len(episodes))]
    results = namespace['results']
    assert set(results) == {'accuracy_mean', 'accuracy_std'}
    assert 0.0 <= results['accuracy_mean'] <= 100.0
    assert results['accuracy_std'] >= 0.0


def test_user_transform_inverts_pixels(snippets, run_python, tmp_path: Path) -> None:
    try:
        namespace = run_python(snippets(PAGE).python['my_transform'], 'my_transform')
        path = tmp_path / 'img.png'
        Image.fromarray(np.full((10, 12, 3), 200, dtype=np.uint8)).save(path)
        pipeline = Compose(namespace['pipeline'])
        out = pipeline(dict(img_prefix=None, img_info=dict(filename=str(path))))
        assert out['img'].shape == (28, 28, 3)
        assert np.all(out['img'] == 55)
    finally:
        TRANSFORMS._module_dict.pop('InvertColors', None)
