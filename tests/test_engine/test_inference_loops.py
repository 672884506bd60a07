import mmcv
import numpy as np
import pytest
import torch

from mmfewshot.engine import multi_gpu_test, single_gpu_test
from mmfewshot.utils import DataContainer


def test_single_gpu_test_returns_one_result_per_sample_in_order(toy):
    model, dataset = toy.Model(), toy.Dataset(n=7)
    model.train()
    results = single_gpu_test(model, toy.loader(dataset, 3))
    assert [r['index'] for r in results] == list(range(7))
    expected = model.fc(dataset.x).detach()
    assert torch.allclose(torch.stack([r['score'] for r in results]), expected)
    assert model.training  # the mode is restored


def test_multi_gpu_test_in_one_process_equals_single(toy, tmp_path):
    model, dataset = toy.Model(), toy.Dataset(n=5)
    results = multi_gpu_test(model, toy.loader(dataset, 2), tmpdir=str(tmp_path / 'parts'))
    assert [r['index'] for r in results] == list(range(5))


def test_step_must_return_a_list(toy):
    class Bad(toy.Model):
        def test_step(self, data):
            return torch.zeros(1)

    with pytest.raises(TypeError, match='must return a list with one result per sample'):
        single_gpu_test(Bad(), toy.loader(toy.Dataset(), 2))


class _ShowDataset(torch.utils.data.Dataset):
    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, index):
        meta = dict(filename=self.files[index], ori_filename=f'img{index}.png')
        return dict(x=torch.tensor([float(index)]), img_metas=DataContainer(meta, cpu_only=True))


class _ShowModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.shown = []

    def test_step(self, data):
        return [float(v) for v in data['x'][:, 0]]

    def show_result(self, img, result, show=False, out_file=None, score_thr=0.3):
        self.shown.append((img.shape, result, out_file, score_thr))
        mmcv.imwrite(img, out_file)


def test_show_dir_draws_each_result_with_the_original_image(tmp_path):
    from mmfewshot.utils import collate

    files = []
    for i in range(3):
        path = str(tmp_path / f'src{i}.png')
        mmcv.imwrite(np.full((4 + i, 5, 3), i, np.uint8), path)
        files.append(path)
    loader = torch.utils.data.DataLoader(
        _ShowDataset(files), batch_size=2, collate_fn=lambda b: collate(b, samples_per_gpu=2)
    )
    model = _ShowModel()
    results = single_gpu_test(model, loader, out_dir=str(tmp_path / 'out'), show_score_thr=0.5)
    assert results == [0.0, 1.0, 2.0]
    assert [s[0] for s in model.shown] == [(4, 5, 3), (5, 5, 3), (6, 5, 3)]
    assert model.shown[2][2] == str(tmp_path / 'out' / 'img2.png')
    assert (tmp_path / 'out' / 'img1.png').is_file()
    assert {s[3] for s in model.shown} == {0.5}
