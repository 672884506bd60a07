"""Train a few-shot detector: ``python tools/detection/train.py CONFIG [options]``."""

from __future__ import annotations

import argparse
import copy
import importlib
import time
import warnings
from typing import Any

import torch
from mmengine.dist import get_dist_info

from mmfewshot.detection.apis import train_detector
from mmfewshot.detection.datasets import build_dataset
from mmfewshot.engine.launch import (
    init_launcher,
    load_config,
    parse_train_args,
    run_meta,
    setup_seed,
    setup_work_dir,
    train_arg_parser,
    train_mmengine_config,
)
from mmfewshot.registry import MODELS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = train_arg_parser(
        'Train a few-shot detector', 'evaluate checkpoints during training', with_device=False
    )
    return parse_train_args(parser, argv)


def build_model(model_cfg: Any) -> torch.nn.Module:
    """``mmfewshot.detection.models.build_detector`` (it honours ``frozen_parameters``)."""
    models = importlib.import_module('mmfewshot.detection.models')
    if hasattr(models, 'build_detector'):
        return models.build_detector(model_cfg)
    if model_cfg.get('frozen_parameters'):
        raise ImportError(
            'model.frozen_parameters needs mmfewshot.detection.models.build_detector, '
            'which this installation lacks'
        )
    return MODELS.build(model_cfg)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options or args.options)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    setup_work_dir(cfg, args.work_dir)
    if args.resume_from is not None:
        cfg.resume_from = args.resume_from
    distributed = init_launcher(args.launcher, cfg)
    if not distributed and torch.cuda.is_available():
        torch.cuda.set_device(args.gpu_ids[0] if args.gpu_ids else args.gpu_id)
    if 'train_dataloader' in cfg:  # a config in mmengine's own schema
        train_mmengine_config(cfg, args.launcher, args.seed, args.deterministic, args.resume_from)
        return
    if args.seed is None and cfg.get('seed') is None and distributed:
        warnings.warn('no seed given for a distributed run; seed 0 is used', stacklevel=1)
    seed = setup_seed(args.seed, cfg, distributed, args.deterministic,
                      default=0 if distributed else None)  # fmt: skip
    meta = run_meta(cfg, args.config, seed)
    timestamp = time.strftime('%Y%m%d_%H%M%S', time.localtime())
    model = build_model(cfg.model)
    rank, _ = get_dist_info()
    datasets = [
        build_dataset(cfg.data.train, rank=rank, work_dir=cfg.work_dir, timestamp=timestamp)
    ]
    if len(cfg.get('workflow', [('train', 1)])) == 2:
        val_cfg = copy.deepcopy(cfg.data.val)
        val_cfg.pipeline = cfg.data.train.pipeline
        datasets.append(build_dataset(val_cfg))
    classes = getattr(datasets[0], 'CLASSES', None)
    if classes is not None:
        meta['CLASSES'] = classes
    train_detector(model, datasets, cfg, distributed=distributed, validate=not args.no_validate,
                   timestamp=timestamp, meta=meta)  # fmt: skip


if __name__ == '__main__':
    main()
