"""A tiny model/dataset module written to ``tmp_path`` (loaded by ``custom_imports``) and configs.

The module registers a toy detector and detection dataset (the whole model
is a linear layer) and, for classification, a toy image dataset and backbone
that run under the real ``ProtoNet``, ``EpisodicDataset`` and meta-test code.
"""

from __future__ import annotations

import importlib.util
import os
import os.path as osp
import socket
import sys
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools')
MODULE_NAME = 'mmfewshot_tools_test_toys'

TOY_MODULE = '''
import os
import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.model import BaseModel
from torch import nn
from torch.utils.data import Dataset

from mmfewshot.classification.datasets import BaseFewShotDataset
from mmfewshot.engine import Hook
from mmfewshot.registry import DATASETS, HOOKS, MODELS
from mmfewshot.utils import DataContainer


@MODELS.register_module()
class ToolsToyDetector(BaseModel):
    """A linear 'detector': per-sample class scores of a 4-d input."""

    def __init__(self, num_classes=2, train_cfg=None, test_cfg=None):
        super().__init__(data_preprocessor=dict(type='FewShotDataPreprocessor'))
        self.fc = nn.Linear(4, num_classes)
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            self.fc.weight.copy_(torch.randn(num_classes, 4, generator=gen))
            self.fc.bias.zero_()

    def forward(self, img=None, gt_labels=None, img_metas=None, mode='train'):
        scores = self.fc(img)
        if mode == 'train':
            return dict(loss_cls=nn.functional.cross_entropy(scores, gt_labels))
        return [s.detach().cpu().numpy() for s in scores]

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        with optim_wrapper.optim_context(self):
            losses = self(**data, mode='train')
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        return log_vars

    def val_step(self, data):
        return self(**self.data_preprocessor(data, False), mode='test')

    def test_step(self, data):
        return self.val_step(data)

    def show_result(self, img, result, show=False, out_file=None, score_thr=0.3):
        mmcv.imwrite(img, out_file)


@DATASETS.register_module()
class ToolsToyDetDataset(Dataset):
    CLASSES = ('a', 'b')

    def __init__(self, n=8, img_dir=None, test_mode=False, pipeline=None, with_metas=True):
        self.with_metas = with_metas
        gen = torch.Generator().manual_seed(n)
        self.x = torch.randn(n, 4, generator=gen)
        self.y = (self.x.sum(1) > 0).long()
        self.files = []
        for i in range(n):
            name = osp.join(img_dir or '', f'img{i}.png')
            if img_dir is not None and not osp.exists(name):
                mmcv.imwrite(np.full((3, 4, 3), i, np.uint8), name)
            self.files.append(name)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        meta = dict(filename=self.files[i], ori_filename=f'img{i}.png')
        if not self.with_metas:  # plain tensors for mmengine's default collate
            return dict(img=self.x[i], gt_labels=self.y[i])
        metas = DataContainer(meta, cpu_only=True)
        return dict(img=self.x[i], gt_labels=self.y[i], img_metas=metas)

    def evaluate(self, results, metric='mAP', logger=None, **kwargs):
        pred = torch.tensor(np.stack(results)).argmax(1)
        return {'accuracy': float((pred == self.y).float().mean()), 'num': len(results),
                'metric': str(metric), **{k: str(v) for k, v in kwargs.items()}}


@HOOKS.register_module()
class ToolsDumpParams(Hook):
    """Saves every rank's final parameters (a run's ranks must agree)."""

    def after_run(self, runner):
        model = getattr(runner.model, 'module', runner.model)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save(state, osp.join(runner.work_dir, f'params_rank{runner.rank}.pth'))


@MODELS.register_module()
class ToolsToyBackbone(nn.Module):
    """Flattens a (3, 8, 8) image into 16 features."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 16)

    def forward(self, x):
        return self.fc(x.flatten(1))

    def init_weights(self):
        pass


@DATASETS.register_module()
class ToolsToyClsDataset(BaseFewShotDataset):
    """Images ``<class>_<k>.png`` in ``data_prefix``."""

    def load_annotations(self):
        infos = []
        for name in sorted(os.listdir(self.data_prefix)):
            cls = name.split('_')[0]
            if cls in self.CLASSES:
                infos.append(dict(img_prefix=self.data_prefix, img_info=dict(filename=name),
                                  gt_label=np.int64(self.CLASSES.index(cls))))
        return infos
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def toys(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Writes the toy module to ``tmp_path`` and puts it on ``sys.path``; returns its folder."""
    folder = tmp_path / 'toys'
    folder.mkdir()
    (folder / f'{MODULE_NAME}.py').write_text(TOY_MODULE)
    monkeypatch.syspath_prepend(str(folder))
    return str(folder)


def _write(path: Any, text: str) -> str:
    path.write_text(textwrap.dedent(text))
    return str(path)


@pytest.fixture
def det_config(tmp_path: Any, toys: str) -> Callable[..., str]:
    """Writes a 0.x detection config for the toy detector; ``extra`` is appended verbatim."""

    def make(name: str = 'toy_det.py', extra: str = '') -> str:
        text = f"""
        custom_imports = dict(imports=['{MODULE_NAME}'], allow_failed_imports=False)
        task = 'detection'
        model = dict(type='ToolsToyDetector')
        data = dict(
            samples_per_gpu=2, workers_per_gpu=0,
            train=dict(type='ToolsToyDetDataset', n=4),
            val=dict(type='ToolsToyDetDataset', n=5, samples_per_gpu=2),
            test=dict(type='ToolsToyDetDataset', n=5, img_dir={str(tmp_path / 'imgs')!r}),
        )
        optimizer = dict(type='SGD', lr=0.5, momentum=0.9)
        optimizer_config = dict(grad_clip=None)
        lr_config = dict(policy='step', step=[1])
        runner = dict(type='EpochBasedRunner', max_epochs=2)
        checkpoint_config = dict(interval=1)
        log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
        evaluation = dict(interval=1, metric='mAP', iou_thr=0.5)
        custom_hooks = [dict(type='ToolsDumpParams')]
        dist_params = dict(backend='nccl')
        log_level = 'INFO'
        seed = 1
        """
        return _write(tmp_path / name, text + textwrap.dedent(extra))

    return make


@pytest.fixture
def cls_config(tmp_path: Any, toys: str) -> Callable[..., str]:
    """Writes toy images and a 0.x ProtoNet config (toy backbone) that trains and meta-tests."""
    images = tmp_path / 'cls_images'
    images.mkdir()
    rng = np.random.default_rng(0)
    import mmcv

    for c, cls in enumerate('abcd'):
        for k in range(4):
            mmcv.imwrite((rng.random((8, 8, 3)) * 60 + 60 * c).astype(np.uint8),
                         str(images / f'{cls}_{k}.png'))  # fmt: skip

    def make(name: str = 'toy_cls.py', extra: str = '') -> str:
        text = f"""
        custom_imports = dict(imports=['{MODULE_NAME}'], allow_failed_imports=False)
        pipeline = [
            dict(type='LoadImageFromFile'),
            dict(type='Normalize', mean=[0, 0, 0], std=[255, 255, 255], to_rgb=True),
            dict(type='ImageToTensor', keys=['img']),
            dict(type='ToTensor', keys=['gt_label']),
            dict(type='Collect', keys=['img', 'gt_label']),
        ]
        toy = dict(type='ToolsToyClsDataset', data_prefix={str(images)!r},
                   classes=['a', 'b', 'c', 'd'], pipeline=pipeline)
        meta_test_cfg = dict(num_episodes=3, num_ways=2, fast_test=False,
                             support=dict(batch_size=2, num_workers=0),
                             query=dict(batch_size=4, num_workers=0))
        data = dict(
            samples_per_gpu=1, workers_per_gpu=0,
            train=dict(type='EpisodicDataset', num_episodes=20, num_ways=2, num_shots=1,
                       num_queries=2, episodes_seed=0, dataset=toy),
            val=dict(type='MetaTestDataset', num_episodes=3, num_ways=2, num_shots=1,
                     num_queries=2, episodes_seed=1, dataset=toy, meta_test_cfg=meta_test_cfg),
            test=dict(type='MetaTestDataset', num_episodes=3, num_ways=2, num_shots=1,
                      num_queries=2, episodes_seed=2, dataset=toy, meta_test_cfg=meta_test_cfg),
        )
        model = dict(type='ProtoNet', backbone=dict(type='ToolsToyBackbone'),
                     head=dict(type='PrototypeHead'))
        optimizer = dict(type='Adam', lr=0.001)
        optimizer_config = dict(grad_clip=None)
        lr_config = dict(policy='fixed')
        runner = dict(type='IterBasedRunner', max_iters=4)
        checkpoint_config = dict(interval=2)
        log_config = dict(interval=2, hooks=[dict(type='TextLoggerHook')])
        evaluation = dict(by_epoch=False, interval=2, metric='accuracy')
        use_infinite_sampler = True
        seed = 0
        """
        return _write(tmp_path / name, text + textwrap.dedent(extra))

    return make


@pytest.fixture
def load_tool(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """Imports ``tools/<relative path>.py`` as a module (its ``main(argv)`` runs in-process)."""

    def load(relative: str) -> ModuleType:
        path = osp.join(TOOLS, f'{relative}.py')
        name = 'tools_under_test_' + relative.replace('/', '_')
        monkeypatch.syspath_prepend(TOOLS)  # tools/train.py imports tools/dispatch.py
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def tool_env(toys: str) -> dict[str, str]:
    """Environment for tool subprocesses: the toy module importable, CPU only, a free port.

    The shell scripts call ``python``: the interpreter running the tests comes
    first on ``PATH``, so they use it even when its environment is not activated.
    """
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', OMP_NUM_THREADS='1', PORT=str(_free_port()))
    env['PYTHONPATH'] = os.pathsep.join([toys, REPO, env.get('PYTHONPATH', '')])
    env['PATH'] = os.pathsep.join([os.path.dirname(sys.executable), env.get('PATH', '')])
    return env


def _rank_main(fn: Callable[[int], Any], rank: int, port: int, queue: Any) -> None:
    import torch
    import torch.distributed as dist

    os.environ.update(
        RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port),
    )  # fmt: skip
    torch.set_num_threads(1)
    torch.cuda.is_available = lambda: False  # type: ignore[assignment]  # a CPU-only machine
    try:
        queue.put((rank, fn(rank)))
    except BaseException as error:  # report, then fail the process
        queue.put((rank, repr(error)))
        raise
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


@pytest.fixture
def run_two_ranks() -> Callable[[Callable[[int], Any]], dict[int, Any]]:
    """Runs ``fn(rank)`` in two forked processes with torchrun's environment; ``{rank: result}``.

    ``fn`` initialises the process group itself (e.g. a tool with ``--launcher pytorch``).
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
