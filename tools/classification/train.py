"""Train a few-shot classifier: ``python tools/classification/train.py CONFIG [options]``."""

from __future__ import annotations

import argparse
import time

import torch

from mmfewshot.classification.apis import train_model
from mmfewshot.classification.datasets import build_dataset
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
        'Train a few-shot classifier', 'meta-test checkpoints during training', with_device=True
    )
    return parse_train_args(parser, argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options or args.options)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    setup_work_dir(cfg, args.work_dir)
    if args.resume_from is not None:
        cfg.resume_from = args.resume_from
    distributed = init_launcher(args.launcher, cfg)
    if not distributed and args.device != 'cpu' and torch.cuda.is_available():
        gpu_id = args.gpu_ids[0] if args.gpu_ids else args.gpu_id
        torch.cuda.set_device(gpu_id)
    if 'train_dataloader' in cfg:  # a config in mmengine's own schema
        train_mmengine_config(cfg, args.launcher, args.seed, args.deterministic, args.resume_from)
        return
    seed = setup_seed(args.seed, cfg, distributed, args.deterministic, default=None)
    meta = run_meta(cfg, args.config, seed)
    model = MODELS.build(cfg.model)
    datasets = [build_dataset(cfg.data.train)]
    train_model(
        model, datasets, cfg, distributed=distributed, validate=not args.no_validate,
        timestamp=time.strftime('%Y%m%d_%H%M%S', time.localtime()), device=args.device,
        meta=meta,
    )  # fmt: skip


if __name__ == '__main__':
    main()
