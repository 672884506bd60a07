"""Meta-test throughput on Glyphs: cached features vs images, and a plain PyTorch reference.

Meta-tests a ProtoNet (Conv4; random weights or ``--checkpoint``) on the
first ``--tasks`` Glyphs test episodes three ways, in one process:

* ``uncached``: :func:`single_gpu_meta_test` with ``fast_test=False``
  (every task runs the backbone on its support and query images);
* ``cached``: the same with ``fast_test=True`` (features extracted once);
* ``reference``: a plain loop over the same episodes (images read with
  OpenCV, normalised, one backbone pass per task, prototypes and argmax by
  hand), which checks the accuracy of the package's loop.

Prints one JSON object with tasks per second and accuracies.

Example:
    python benchmarks/classification/meta_test_throughput.py --tasks 200
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import os.path as osp
import time

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmfewshot.classification.core.evaluation import single_gpu_meta_test
from mmfewshot.classification.datasets import build_dataset, build_meta_test_dataloader
from mmfewshot.registry import MODELS
from mmfewshot.utils.compat import load_checkpoint

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/classification/proto_net/glyphs/proto-net_conv4_1xb105_glyphs_5way-1shot.py'


def _reference(model: torch.nn.Module, dataset, tasks: int, mean: float, std: float) -> float:
    """Mean accuracy (%) of nearest-prototype classification, computed without the package loop."""
    inner = dataset.dataset
    accuracies = []
    for task in range(tasks):
        idx = dataset.get_episode_idxes(task)
        class_ids = dataset.get_episode_class_ids(task)
        paths = [
            osp.join(inner.data_infos[i]['img_prefix'], inner.data_infos[i]['img_info']['filename'])
            for i in idx['support'] + idx['query']
        ]
        imgs = np.stack([cv2.imread(p) for p in paths]).astype(np.float32)
        x = torch.from_numpy((imgs - mean) / std).permute(0, 3, 1, 2).contiguous()
        with torch.no_grad():
            feats = model.extract_feat(x)
        labels = [class_ids.index(int(inner.data_infos[i]['gt_label'])) for i in idx['support']]
        support, query = feats[: len(labels)], feats[len(labels) :]
        labels_t = torch.tensor(labels)
        protos = torch.stack([support[labels_t == w].mean(0) for w in range(len(class_ids))])
        pred = torch.cdist(query, protos).argmin(1)
        truth = torch.tensor(
            [class_ids.index(int(inner.data_infos[i]['gt_label'])) for i in idx['query']]
        )
        accuracies.append(100.0 * float((pred == truth).float().mean()))
    return float(np.mean(accuracies))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--checkpoint', help='weights to load (default: random initialisation)')
    parser.add_argument('--tasks', type=int, default=200, help='number of test episodes')
    args = parser.parse_args(argv)
    DefaultScope.get_instance('meta_test_throughput', scope_name='mmfewshot')
    config = osp.abspath(args.config) if osp.isfile(args.config) else osp.join(REPO, args.config)
    os.chdir(REPO)  # the configs name data/glyphs relative to the repository root
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint)
    model.eval()
    out: dict = dict(config=args.config, tasks=args.tasks, torch_threads=torch.get_num_threads())
    for fast in (False, True):
        test_cfg = copy.deepcopy(cfg.data.test)
        meta_test_cfg = test_cfg.pop('meta_test_cfg')
        meta_test_cfg['fast_test'] = fast
        dataset = build_dataset(test_cfg)
        loaders = build_meta_test_dataloader(dataset, meta_test_cfg)
        start = time.perf_counter()
        summary = single_gpu_meta_test(model, args.tasks, *loaders, meta_test_cfg=meta_test_cfg)
        seconds = time.perf_counter() - start
        out['cached' if fast else 'uncached'] = dict(
            accuracy_mean=summary['accuracy_mean'], seconds=round(seconds, 2),
            tasks_per_s=round(args.tasks / seconds, 2),
        )  # fmt: skip
    norm = cfg.img_norm_cfg
    start = time.perf_counter()
    accuracy = _reference(model, dataset, args.tasks, float(norm.mean[0]), float(norm.std[0]))
    seconds = time.perf_counter() - start
    out['reference'] = dict(
        accuracy_mean=accuracy,
        seconds=round(seconds, 2),
        tasks_per_s=round(args.tasks / seconds, 2),
    )
    out['cached_speedup'] = round(out['uncached']['seconds'] / out['cached']['seconds'], 2)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
