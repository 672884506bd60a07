"""What every command-line entry point does before building a model: config, launcher, seed."""

from __future__ import annotations

import argparse
import itertools
import os
import os.path as osp
import warnings
from collections.abc import Mapping
from typing import Any

import torch
from mmengine.config import Config
from mmengine.dist import get_dist_info
from mmengine.registry import init_default_scope
from mmengine.runner import set_random_seed

from mmfewshot.registry import MODELS
from mmfewshot.utils import DictAction, collect_env, merge_cfg_options, sync_random_seed
from mmfewshot.utils.compat import init_dist
from mmfewshot.version import __version__

from .runner import FewShotRunner
from .runner_builder import default_work_dir

TASKS = ('classification', 'detection')


def load_config(path: str, cfg_options: Mapping[str, Any] | None = None) -> Config:
    """Loads ``path`` (``_base_``, ``custom_imports`` applied) and merges ``--cfg-options``.

    Also makes ``mmfewshot`` (or the config's ``default_scope``) the default
    registry scope, so that names built before the runner exists (a model's
    ``data_preprocessor``, datasets) resolve in MMFewShot's registries.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path!r} does not exist; check the path')
    cfg = merge_cfg_options(Config.fromfile(path), cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmfewshot'))
    return cfg


def detect_task(cfg: Mapping[str, Any], config_path: str | None = None) -> str:
    """Tells whether ``cfg`` is a ``'classification'`` or a ``'detection'`` config.

    Decided, in order, by an explicit ``task`` key; by the config's location
    under ``configs/classification`` or ``configs/detection``; by the module of
    the registered model class (or of one of its base classes), under
    ``mmfewshot.classification`` or ``mmfewshot.detection``.

    Raises:
        ValueError: If ``task`` is invalid or nothing decides.
    """
    task = cfg.get('task')
    if task is not None:
        if task not in TASKS:
            raise ValueError(f"task={task!r} in the config must be 'classification' or 'detection'")
        return str(task)
    if config_path:
        parts = osp.abspath(config_path).replace('\\', '/').split('/')
        for first, second in reversed(list(itertools.pairwise(parts))):  # innermost wins
            if first == 'configs' and second in TASKS:
                return second
    model_type = (cfg.get('model') or {}).get('type')
    if isinstance(model_type, str):
        model_cls = MODELS.get(model_type)
        for klass in getattr(model_cls, '__mro__', ()):
            for name in TASKS:
                if klass.__module__.startswith(f'mmfewshot.{name}.'):
                    return name
    raise ValueError(
        f'cannot tell whether {config_path or "the config"} is a classification or a detection '
        "config; add task='classification' or task='detection' to it"
    )


def setup_work_dir(cfg: Config, work_dir: str | None) -> str:
    """Sets ``cfg.work_dir``: the argument, else the config's, else ``./work_dirs/<name>``."""
    cfg.work_dir = work_dir or default_work_dir(cfg)
    return str(cfg.work_dir)


def init_launcher(launcher: str, cfg: Mapping[str, Any]) -> bool:
    """Initialises the process group for ``launcher`` (CPU gloo without CUDA).

    Returns:
        Whether the run is distributed.
    """
    if launcher == 'none':
        return False
    init_dist(launcher, **dict(cfg.get('dist_params') or {}))
    return True


def setup_seed(
    seed: int | None, cfg: Config, distributed: bool, deterministic: bool, default: int | None
) -> int | None:
    """Seeds Python, numpy and torch like the 0.x tools and records it in ``cfg``.

    The seed is the argument, else ``cfg.seed``, else ``default`` (for
    distributed runs a missing seed is synchronised from rank 0, so all ranks
    agree). ``cfg.seed`` and ``cfg.deterministic`` are set for the runner.

    Returns:
        The seed used, or ``None`` for none.
    """
    seed = seed if seed is not None else cfg.get('seed', default)
    if seed is None and distributed:
        warnings.warn(
            'no seed given for a distributed run; ranks share one random seed', stacklevel=2
        )
        seed = sync_random_seed(None, device='cuda' if torch.cuda.is_available() else 'cpu')
    if seed is not None:
        set_random_seed(int(seed), deterministic=deterministic)
    cfg.seed = seed
    cfg.deterministic = deterministic
    return seed


def run_meta(cfg: Config, config_path: str, seed: int | None) -> dict[str, Any]:
    """The ``meta`` the 0.x tools stored in checkpoints (env, config text, seed, version)."""
    env = '\n'.join(f'{key}: {value}' for key, value in collect_env().items())
    return dict(
        env_info=env,
        config=cfg.pretty_text,
        seed=seed,
        exp_name=osp.basename(config_path),
        mmfewshot_version=__version__,
    )


def train_arg_parser(
    description: str, validation: str, with_device: bool
) -> argparse.ArgumentParser:
    """The command line of the train tools of both tasks (the 0.x arguments).

    Args:
        description: What the tool trains, for ``--help``.
        validation: What ``--no-validate`` switches off, for ``--help``.
        with_device: Whether to offer ``--device`` (the classification tool did).

    Returns:
        The parser; read it with :func:`parse_train_args`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume-from', help='the checkpoint file to resume from')
    parser.add_argument('--no-validate', action='store_true', help=f'do not {validation}')
    group = parser.add_mutually_exclusive_group()
    if with_device:
        group.add_argument('--device', help="device used for training: 'cpu' or 'cuda'")
    group.add_argument('--gpus', type=int, help='(deprecated) number of GPUs; only 1 is used')
    group.add_argument('--gpu-ids', type=int, nargs='+', help='(deprecated) ids of GPUs to use')
    group.add_argument('--gpu-id', type=int, default=0, help='id of the GPU to use')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument(
        '--deterministic', action='store_true', help='deterministic options for the CUDNN backend'
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. optimizer.lr=0.01 data.train.pipeline.0.type=X',
    )
    parser.add_argument(
        '--options', nargs='+', action=DictAction, help='(deprecated) same as --cfg-options'
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def parse_train_args(
    parser: argparse.ArgumentParser, argv: list[str] | None = None
) -> argparse.Namespace:
    """Parses a :func:`train_arg_parser` command line and exports the local rank."""
    args = parser.parse_args(argv)
    if args.options and args.cfg_options:
        parser.error('--options and --cfg-options cannot both be given; use --cfg-options')
    set_local_rank(args.local_rank)
    return args


def set_local_rank(local_rank: int) -> None:
    """Exports ``LOCAL_RANK`` for launchers that pass ``--local_rank`` instead."""
    os.environ.setdefault('LOCAL_RANK', str(local_rank))


def train_mmengine_config(
    cfg: Config,
    launcher: str = 'none',
    seed: int | None = None,
    deterministic: bool = False,
    resume_from: str | None = None,
) -> FewShotRunner:
    """Trains a config written in mmengine's own schema (``train_dataloader``, ``train_cfg``...).

    The command-line options map onto its keys: ``launcher``, ``randomness``
    (seed, deterministic) and ``load_from`` + ``resume``; ``default_scope``
    defaults to ``mmfewshot``.

    Returns:
        The runner after training.
    """
    cfg.launcher = launcher
    if 'default_scope' not in cfg:
        cfg.default_scope = 'mmfewshot'
    randomness = dict(cfg.get('randomness') or {})
    if seed is not None:
        randomness['seed'] = seed
    randomness['deterministic'] = deterministic or randomness.get('deterministic', False)
    cfg.randomness = randomness
    if resume_from is not None:
        cfg.load_from, cfg.resume = resume_from, True
    runner = FewShotRunner.from_cfg(cfg)
    runner.train()
    return runner


def is_main_process() -> bool:
    """Whether this is rank 0 (or a single process)."""
    return get_dist_info()[0] == 0


__all__ = [
    'TASKS',
    'detect_task',
    'init_launcher',
    'is_main_process',
    'load_config',
    'parse_train_args',
    'run_meta',
    'set_local_rank',
    'setup_seed',
    'setup_work_dir',
    'train_arg_parser',
    'train_mmengine_config',
]
