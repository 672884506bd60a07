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
    run_meta,
    set_local_rank,
    setup_seed,
    setup_work_dir,
    train_mmengine_config,
)
from mmfewshot.registry import MODELS
from mmfewshot.utils import DictAction


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a few-shot classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume-from', help='the checkpoint file to resume from')
    parser.add_argument(
        '--no-validate', action='store_true', help='do not meta-test checkpoints during training'
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--device', help="device used for training: 'cpu' or 'cuda'")
    group.add_argument('--gpus', type=int, help='(deprecated) number of GPUs; only 1 is used')
    group.add_argument('--gpu-ids', type=int, nargs='+', help='(deprecated) ids of GPUs to use')
    group.add_argument('--gpu-id', type=int, default=0, help='id of the GPU to use')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument(
        '--deterministic', action='store_true', help='deterministic options for the CUDNN backend'
    )
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. optimizer.lr=0.01 data.train.pipeline.0.type=X',
    )  # fmt: skip
    parser.add_argument(
        '--options', nargs='+', action=DictAction, help='(deprecated) same as --cfg-options'
    )
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher',
    )  # fmt: skip
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.options and args.cfg_options:
        parser.error('--options and --cfg-options cannot both be given; use --cfg-options')
    set_local_rank(args.local_rank)
    return args


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
