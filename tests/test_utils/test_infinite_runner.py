import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from torch.utils.data import DataLoader, Dataset

from mmfewshot.engine import train_model
from mmfewshot.registry import LOOPS, RUNNERS
from mmfewshot.utils import InfiniteEpochBasedRunner, InfiniteSampler


class _Indices(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, index):
        return dict(index=torch.tensor(index))


class _Recorder(BaseModel):
    """Records the sample indices it trains on; learns nothing."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.seen = []

    def forward(self, *args, **kwargs):
        raise NotImplementedError('only train_step is used')

    def train_step(self, data, optim_wrapper):
        self.seen.extend(data['index'].tolist())
        loss = (self.w**2).sum()
        optim_wrapper.update_params(loss)
        return dict(loss=loss.detach())


class _CountingLoader(DataLoader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iterators = 0

    def __iter__(self):
        self.iterators += 1
        return super().__iter__()


def test_registered_under_its_0x_name_in_runners_and_loops():
    assert RUNNERS.get('InfiniteEpochBasedRunner') is InfiniteEpochBasedRunner
    assert LOOPS.get('InfiniteEpochBasedRunner') is InfiniteEpochBasedRunner


def test_one_iterator_across_epochs_continues_the_infinite_stream(tmp_path):
    loaders = []

    def builder(dataset, samples_per_gpu, workers_per_gpu, **kwargs):
        assert kwargs['use_infinite_sampler'] is True
        loader = _CountingLoader(dataset, batch_size=samples_per_gpu,
                                 sampler=InfiniteSampler(dataset, seed=3))  # fmt: skip
        loaders.append(loader)
        return loader

    cfg = Config(dict(
        work_dir=str(tmp_path), data=dict(samples_per_gpu=2, workers_per_gpu=0),
        optimizer=dict(type='SGD', lr=0.1), runner=dict(type='EpochBasedRunner', max_epochs=3),
        use_infinite_sampler=True, log_config=None, checkpoint_config=None,
    ))  # fmt: skip
    model = _Recorder()
    runner = train_model(model, _Indices(), cfg, dataloader_builder=builder)
    assert isinstance(runner.train_loop, InfiniteEpochBasedRunner)
    assert (runner.epoch, runner.iter) == (3, 9)  # 3 epochs of len(loader) == 3 batches
    assert loaders[0].iterators == 1
    stream = iter(InfiniteSampler(_Indices(), seed=3))
    assert model.seen == [next(stream) for _ in range(18)]
