"""Meta-test a few-shot classifier: ``python tools/classification/test.py CONFIG CHECKPOINT``."""

from __future__ import annotations

import argparse
import copy
import json
import os.path as osp
from typing import Any

import torch

from mmfewshot.classification.apis import multi_gpu_meta_test, single_gpu_meta_test
from mmfewshot.classification.datasets import build_dataset, build_meta_test_dataloader
from mmfewshot.classification.utils import MetaTestParallel
from mmfewshot.engine.launch import (
    init_launcher,
    is_main_process,
    load_config,
    set_local_rank,
    setup_seed,
)
from mmfewshot.registry import MODELS
from mmfewshot.utils import DictAction, get_root_logger
from mmfewshot.utils.compat import load_checkpoint


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Meta-test a few-shot classifier')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the directory of the log file')
    parser.add_argument(
        '--metrics', type=str, nargs='+', default=None,
        help="evaluation metrics of the dataset's evaluate, e.g. accuracy (default: accuracy)",
    )  # fmt: skip
    parser.add_argument(
        '--show-task-results', '--show_task_results', action='store_true',
        help='log the results of every task',
    )  # fmt: skip
    parser.add_argument(
        '--out', help='write the summary and the per-task results to this JSON file'
    )
    parser.add_argument('--tmpdir', help='(unused) kept for compatibility')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config settings'
    )
    parser.add_argument(
        '--options', nargs='+', action=DictAction, help='(deprecated) same as --cfg-options'
    )
    parser.add_argument(
        '--metric-options', nargs='+', action=DictAction, default={},
        help='options of the metrics, e.g. topk=1',
    )  # fmt: skip
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher',
    )  # fmt: skip
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--deterministic', action='store_true', help='deterministic options for the CUDNN backend'
    )
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument('--device', help="(deprecated) 'cpu' to test on the CPU")
    parser.add_argument('--gpu-ids', type=int, nargs='+', help='(deprecated) ids of GPUs to use')
    parser.add_argument('--gpu-id', type=int, default=0, help='id of the GPU to use')
    args = parser.parse_args(argv)
    if args.options and args.cfg_options:
        parser.error('--options and --cfg-options cannot both be given; use --cfg-options')
    if args.out is not None and not args.out.endswith('.json'):
        parser.error(f'--out {args.out}: the output file must end with .json')
    set_local_rank(args.local_rank)
    return args


def meta_test(args: argparse.Namespace) -> dict[str, Any]:
    """Builds everything from the arguments and returns the meta-test summary."""
    cfg = load_config(args.config, args.cfg_options or args.options)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    distributed = init_launcher(args.launcher, cfg)
    setup_seed(args.seed, cfg, distributed, args.deterministic, default=None)
    logger = None
    if args.work_dir is not None:
        log_file = osp.join(args.work_dir, 'meta_test.log')
        logger = get_root_logger(log_file=log_file, log_level=cfg.get('log_level', 'INFO'))
    test_cfg = copy.deepcopy(dict(cfg.data.test))
    meta_test_cfg = test_cfg.pop('meta_test_cfg', None)
    if meta_test_cfg is None:
        raise KeyError(f'{args.config}: data.test needs meta_test_cfg; add it')
    dataset = build_dataset(test_cfg)
    support, query, test_set = build_meta_test_dataloader(dataset, meta_test_cfg)
    model = MODELS.build(cfg.model)
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    use_cuda = torch.cuda.is_available() and args.device != 'cpu'
    if use_cuda:
        if not distributed:
            torch.cuda.set_device(args.gpu_ids[0] if args.gpu_ids else args.gpu_id)
        model = model.cuda()
    eval_kwargs = dict(metric=args.metrics or ['accuracy'], metric_options=args.metric_options)
    run = multi_gpu_meta_test if distributed else single_gpu_meta_test
    return run(
        model if distributed else MetaTestParallel(model), meta_test_cfg['num_episodes'],
        support, query, test_set, meta_test_cfg=meta_test_cfg, eval_kwargs=eval_kwargs,
        logger=logger, confidence_interval=0.95, show_task_results=args.show_task_results,
        task_results_file=args.out,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    results = meta_test(args)
    if is_main_process():
        print(json.dumps(results, indent=2, default=float))


if __name__ == '__main__':
    main()
