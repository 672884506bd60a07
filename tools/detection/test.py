"""Test a few-shot detector: ``python tools/detection/test.py CONFIG CHECKPOINT --eval mAP``."""

from __future__ import annotations

import argparse
import copy
import importlib
import os
import os.path as osp
from typing import Any

import mmengine
import torch

from mmfewshot.detection.datasets import build_dataloader, build_dataset, get_copy_dataset_type
from mmfewshot.engine import FewShotDistributedDataParallel, multi_gpu_test, single_gpu_test
from mmfewshot.engine.launch import init_launcher, is_main_process, load_config, set_local_rank
from mmfewshot.registry import MODELS
from mmfewshot.utils import DictAction
from mmfewshot.utils.compat import load_checkpoint

# ``evaluation`` keys that configure the training hook, not ``dataset.evaluate``.
_HOOK_KEYS = ('interval', 'tmpdir', 'start', 'gpu_collect', 'save_best', 'rule', 'by_epoch')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a few-shot detector')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='output result file in pickle format (.pkl)')
    parser.add_argument(
        '--eval', type=str, nargs='+',
        help="evaluation metrics of dataset.evaluate, e.g. 'mAP' (VOC) or 'bbox' (COCO)",
    )  # fmt: skip
    parser.add_argument('--gpu-ids', type=int, nargs='+', help='(deprecated) ids of GPUs to use')
    parser.add_argument('--gpu-id', type=int, default=0, help='id of the GPU to use')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument('--show-dir', help='directory where painted images are saved')
    parser.add_argument(
        '--show-score-thr', type=float, default=0.3, help='score threshold of drawn boxes'
    )
    parser.add_argument(
        '--gpu-collect', action='store_true', help='gather results through the process group'
    )
    parser.add_argument('--tmpdir', help='shared directory for gathering results of all ranks')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override config settings'
    )
    parser.add_argument(
        '--options', nargs='+', action=DictAction, help='(deprecated) same as --eval-options'
    )
    parser.add_argument(
        '--eval-options', nargs='+', action=DictAction,
        help='keyword arguments of dataset.evaluate, e.g. iou_thr=0.5',
    )  # fmt: skip
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher',
    )  # fmt: skip
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.options and args.eval_options:
        parser.error('--options and --eval-options cannot both be given; use --eval-options')
    if not (args.out or args.eval or args.show or args.show_dir):
        parser.error('give at least one of --out, --eval, --show and --show-dir')
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        parser.error(f'--out {args.out}: the output file must be a .pkl or .pickle file')
    set_local_rank(args.local_rank)
    return args


def _model_init_tools() -> Any:
    apis = importlib.import_module('mmfewshot.detection.apis')
    for name in ('single_gpu_model_init', 'multi_gpu_model_init'):
        if not hasattr(apis, name):
            raise ImportError(f'data.model_init needs mmfewshot.detection.apis.{name}')
    return apis


def _model_init_loader(cfg: Any, checkpoint: dict) -> Any:
    init_cfg = dict(copy.deepcopy(cfg.data.model_init))
    init_cfg.pop('copy_from_train_dataset', None)
    samples_per_gpu = init_cfg.pop('samples_per_gpu', 1)
    workers_per_gpu = init_cfg.pop('workers_per_gpu', 1)
    if init_cfg.get('ann_cfg') is None:
        ann_cfg = checkpoint.get('meta', {}).get('model_init_ann_cfg')
        if ann_cfg is None:
            raise KeyError(
                'data.model_init has no ann_cfg and the checkpoint no model_init_ann_cfg; '
                'set data.model_init.ann_cfg'
            )
        init_cfg['type'] = get_copy_dataset_type(init_cfg['type'])
        init_cfg['ann_cfg'] = ann_cfg
    dataset = build_dataset(init_cfg)
    # not sharded: every rank initialises the model on the same support data
    return build_dataloader(dataset, samples_per_gpu, workers_per_gpu, dist=False, shuffle=False)


def run_test(args: argparse.Namespace) -> tuple[list | None, Any, Any]:
    """Builds everything from the arguments; returns (results on rank 0, dataset, config)."""
    cfg = load_config(args.config, args.cfg_options)
    if cfg.get('cudnn_benchmark', False):
        torch.backends.cudnn.benchmark = True
    distributed = init_launcher(args.launcher, cfg)
    test_cfg = dict(copy.deepcopy(cfg.data.test))
    samples_per_gpu = test_cfg.pop('samples_per_gpu', 1)
    test_cfg['test_mode'] = True
    dataset = build_dataset(test_cfg)
    loader = build_dataloader(dataset, samples_per_gpu, cfg.data.get('workers_per_gpu', 2),
                              dist=distributed, shuffle=False)  # fmt: skip
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pop('frozen_parameters', None)
    if 'train_cfg' in model_cfg:
        model_cfg['train_cfg'] = None
    model = MODELS.build(model_cfg)
    checkpoint = load_checkpoint(model, args.checkpoint, map_location='cpu')
    model.CLASSES = checkpoint.get('meta', {}).get('CLASSES', getattr(dataset, 'CLASSES', None))
    init_loader = None
    if cfg.data.get('model_init') is not None:
        init_loader = _model_init_loader(cfg, checkpoint)
    if torch.cuda.is_available():
        if not distributed:
            torch.cuda.set_device(args.gpu_ids[0] if args.gpu_ids else args.gpu_id)
        model = model.cuda()
    if distributed:
        device_ids = [torch.cuda.current_device()] if torch.cuda.is_available() else None
        model = FewShotDistributedDataParallel(model, device_ids=device_ids,
                                               broadcast_buffers=False)  # fmt: skip
    if init_loader is not None:
        apis = _model_init_tools()
        init = apis.multi_gpu_model_init if distributed else apis.single_gpu_model_init
        init(model, init_loader)
    if distributed:
        outputs = multi_gpu_test(model, loader, args.tmpdir, args.gpu_collect)
    else:
        outputs = single_gpu_test(model, loader, args.show, args.show_dir, args.show_score_thr)
    return outputs, dataset, cfg


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    outputs, dataset, cfg = run_test(args)
    if not is_main_process() or outputs is None:
        return
    if args.out:
        print(f'\nwriting results to {args.out}')
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        tmp = f'{args.out}.tmp-{os.getpid()}.pkl'
        mmengine.dump(outputs, tmp)
        os.replace(tmp, args.out)
    if args.eval:
        eval_kwargs = {k: v for k, v in dict(cfg.get('evaluation') or {}).items()
                       if k not in _HOOK_KEYS}  # fmt: skip
        eval_kwargs.update(args.eval_options or args.options or {})
        eval_kwargs['metric'] = args.eval
        print(dataset.evaluate(outputs, **eval_kwargs))


if __name__ == '__main__':
    main()
