"""A tiny model, dataset and config factory for the engine tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from torch import nn
from torch.utils.data import DataLoader, Dataset


class ToyDataset(Dataset):
    """``n`` random 4-d points labelled by the sign of their coordinate sum."""

    def __init__(self, n: int = 8, seed: int = 0, test_mode: bool = False) -> None:
        generator = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, 4, generator=generator)
        self.y = (self.x.sum(1) > 0).long()
        self.evaluate_calls: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return dict(img=self.x[index], gt_label=self.y[index], index=torch.tensor(index))

    def evaluate(self, results: list, logger: Any = None, **kwargs: Any) -> dict[str, float]:
        self.evaluate_calls.append(dict(kwargs, num_results=len(results)))
        pred = torch.tensor([int(r['score'].argmax()) for r in results])
        order = [int(r['index']) for r in results]
        return dict(
            accuracy=float((pred == self.y).float().mean()), in_order=order == sorted(order)
        )


class ToyModel(BaseModel):
    """A linear classifier with the 0.x mode-based forward and mmengine steps."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)
        generator = torch.Generator().manual_seed(0)
        with torch.no_grad():
            self.fc.weight.copy_(torch.randn(2, 4, generator=generator))
            self.fc.bias.zero_()

    def forward(  # type: ignore[override]
        self, img: torch.Tensor, gt_label: torch.Tensor, index: torch.Tensor, mode: str = 'train'
    ) -> Any:
        scores = self.fc(img)
        if mode == 'train':
            return dict(loss=nn.functional.cross_entropy(scores, gt_label))
        return [dict(score=s.detach(), index=int(i)) for s, i in zip(scores, index, strict=True)]

    def train_step(self, data: Any, optim_wrapper: Any) -> dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        with optim_wrapper.optim_context(self):
            losses = self(**data, mode='train')
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        return log_vars

    def val_step(self, data: Any) -> list:
        return self(**self.data_preprocessor(data, False), mode='test')

    def test_step(self, data: Any) -> list:
        return self.val_step(data)


def plain_loader(
    dataset: Dataset, samples_per_gpu: int, workers_per_gpu: int = 0, **kwargs: Any
) -> DataLoader:
    """Sequential, unshuffled batches (the engine's dataloader_builder contract)."""
    return DataLoader(dataset, batch_size=samples_per_gpu, shuffle=False)


@pytest.fixture
def toy_cfg(tmp_path: Any) -> Callable[..., Config]:
    """Builds a 0.x config for the toy model; keyword arguments override its keys."""

    def make(**overrides: Any) -> Config:
        cfg = dict(
            work_dir=str(tmp_path / 'work'),
            data=dict(samples_per_gpu=2, workers_per_gpu=0),
            optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
            optimizer_config=dict(grad_clip=None),
            lr_config=dict(policy='fixed'),
            runner=dict(type='EpochBasedRunner', max_epochs=2),
            checkpoint_config=None,
            log_config=None,
            seed=0,
        )
        cfg.update(overrides)
        return Config(cfg)

    return make


@pytest.fixture
def toy() -> Any:
    """The toy classes: ``toy.Dataset``, ``toy.Model``, ``toy.loader``."""

    class Toy:
        Dataset = ToyDataset
        Model = ToyModel
        loader = staticmethod(plain_loader)

    return Toy


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _rank_main(fn: Callable[[int], Any], rank: int, port: int, queue: Any) -> None:
    import os

    import torch.distributed as dist

    from mmfewshot.utils.compat import init_dist

    os.environ.update(
        RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port),
    )  # fmt: skip
    torch.set_num_threads(1)
    torch.cuda.is_available = lambda: False  # type: ignore[assignment]  # a CPU-only machine
    init_dist('pytorch', timeout=120)
    try:
        queue.put((rank, fn(rank)))
    except BaseException as error:  # report, then fail the process
        queue.put((rank, repr(error)))
        raise
    finally:
        dist.destroy_process_group()


@pytest.fixture
def run_two_ranks() -> Callable[[Callable[[int], Any]], dict[int, Any]]:
    """Runs ``fn(rank)`` in two forked gloo processes; returns ``{rank: result}``.

    Forked children reuse the test process's imports, so this costs well under a
    second instead of two interpreter start-ups.
    """
    import multiprocessing

    def run(fn: Callable[[int], Any]) -> dict[int, Any]:
        ctx = multiprocessing.get_context('fork')
        queue, port = ctx.Queue(), _free_port()
        procs = [ctx.Process(target=_rank_main, args=(fn, r, port, queue)) for r in (0, 1)]
        for proc in procs:
            proc.start()
        results = dict(queue.get(timeout=120) for _ in procs)
        for proc in procs:
            proc.join(timeout=60)
        assert [p.exitcode for p in procs] == [0, 0], results
        return results

    return run
