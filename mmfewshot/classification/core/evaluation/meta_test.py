"""Meta-testing: evaluate a classifier on many N-way K-shot tasks and report mean and CI.

A meta-test works on a copy of the model, so the model being trained is
never touched. For every task (episode) of a ``MetaTestDataset``:

1. ``before_meta_test(meta_test_cfg)`` on a fresh copy of the model;
2. ``before_forward_support()``, then ``forward(mode='support')`` for each
   batch of the support loader (labels mapped to ``[0, N)`` with
   :func:`~mmfewshot.classification.datasets.utils.label_wrapper`);
3. ``before_forward_query()``, then ``forward(mode='query')`` for each batch
   of the query loader;
4. the wrapped dataset's ``evaluate(results, gt_labels, **eval_kwargs)``.

The per-task metrics are summarised as ``{metric}_mean`` and
``{metric}_std``, the latter being the half-width of the confidence interval
``z * sigma / sqrt(T)`` with ``sigma`` the population standard deviation
over the ``T`` tasks (:func:`summarize_task_results`).

With ``meta_test_cfg['fast_test']`` the features of every test-set image are
extracted once (``mode='extract_feat'``) and cached in the dataset; support
and query batches then carry ``feats`` instead of images. For methods whose
backbone is fixed during meta-testing this gives the same numbers, faster.

The multi-process variant splits the tasks over the ranks (task ``t`` runs
on rank ``t % world_size``) and the feature extraction over the batches;
every task runs on an independent copy of the model, so the gathered
numbers equal those of a single process on the same episodes.
"""

from __future__ import annotations

import copy
import json
import os
import os.path as osp
import tempfile
from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.logging import MMLogger, print_log
from mmengine.model import is_model_wrapper
from mmengine.utils import ProgressBar
from torch import nn
from torch.utils.data import DataLoader, SequentialSampler

from mmfewshot.classification.datasets.utils import label_wrapper
from mmfewshot.classification.utils import MetaTestParallel

from .confidence_interval import summarize_task_results, z_score

LoggerType: TypeAlias = MMLogger | str | None


def as_meta_test_model(model: nn.Module) -> MetaTestParallel:
    """Wraps a classifier (or the module of a DDP-like wrapper) in :class:`MetaTestParallel`."""
    if isinstance(model, MetaTestParallel):
        return model
    while is_model_wrapper(model) or isinstance(model, nn.DataParallel):
        model = model.module  # type: ignore[assignment]
    return MetaTestParallel(model)


def _labels_of(batch: Mapping[str, Any]) -> tuple[dict[str, Any], np.ndarray]:
    """Splits ``gt_label`` (as an int64 array) off a collated batch."""
    if 'gt_label' not in batch:
        raise KeyError(
            f'a meta-test batch has no gt_label (keys: {sorted(batch)}); keep gt_label in '
            "the test pipeline's Collect keys"
        )
    data = dict(batch)
    labels = data.pop('gt_label')
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    return data, np.asarray(labels, dtype=np.int64).reshape(-1)


def _single_pass(loader: DataLoader) -> DataLoader:
    """A loader over every sample of ``loader``'s dataset once, in dataset order.

    The support set must reach the model whole and in a fixed order: the
    fine-tune classifiers draw their own (seeded) mini-batches from it, so a
    shuffling or ``drop_last`` support loader would lose samples or make a
    task's result depend on the tasks run before it.
    """
    sampler = getattr(loader, 'sampler', None)
    if not getattr(loader, 'drop_last', False) and isinstance(sampler, SequentialSampler):
        return loader
    return DataLoader(
        loader.dataset,
        batch_size=loader.batch_size or 1,
        shuffle=False,
        drop_last=False,
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
    )


def test_single_task(
    model: nn.Module,
    support_dataloader: DataLoader,
    query_dataloader: DataLoader,
    meta_test_cfg: Mapping[str, Any],
) -> tuple[list[Any], np.ndarray]:
    """Meta-tests one task (the current task id of the loaders' dataset).

    The model is deep-copied first, so its state (and that of the caller's
    model) is the same before and after. The support set is passed once,
    whole and in dataset order, whatever the support loader's ``shuffle``
    and ``drop_last`` (the fine-tune classifiers draw their mini-batches of
    ``meta_test_cfg.support.batch_size`` themselves); so a task's result does
    not depend on the tasks tested before it.

    Args:
        model: The classifier, bare or wrapped in :class:`MetaTestParallel`.
        support_dataloader: Loader of the task's support set (N*K samples).
        query_dataloader: Loader of the task's query set (M = N*Q samples).
        meta_test_cfg: The meta-test config (``support``, ``query``, ``fast_test``...).

    Returns:
        ``(results, gt_labels)``: one score array (N,) per query sample and
        the query labels mapped to ``[0, N)``, shape (M,).
    """
    model = copy.deepcopy(as_meta_test_model(model))
    model.before_meta_test(meta_test_cfg)
    class_ids = query_dataloader.dataset.get_task_class_ids()  # type: ignore[attr-defined]
    model.before_forward_support()
    for batch in _single_pass(support_dataloader):
        data, labels = _labels_of(batch)
        gt_label = torch.from_numpy(label_wrapper(labels, class_ids))
        model(**data, gt_label=gt_label, mode='support')
    model.before_forward_query()
    results: list[Any] = []
    gt_labels: list[np.ndarray] = []
    with torch.no_grad():
        for batch in query_dataloader:
            data, labels = _labels_of(batch)
            gt_labels.append(labels)
            results.extend(model(**data, mode='query'))
    labels_all = np.concatenate(gt_labels) if gt_labels else np.zeros(0, dtype=np.int64)
    return results, label_wrapper(labels_all, class_ids)


def _extraction_loader(loader: DataLoader, rank: int, world_size: int) -> DataLoader:
    """A loader over this rank's share of the sequential batches of ``loader``'s dataset.

    Batches are consecutive runs of ``loader.batch_size`` images; rank ``r``
    takes batches ``r, r + world_size, ...``. Every batch holds the same
    images whatever the world size, so the features are the same too.
    """
    dataset = loader.dataset
    batch_size = loader.batch_size or 1
    size = len(dataset)  # type: ignore[arg-type]
    batches = [
        list(range(start, min(start + batch_size, size))) for start in range(0, size, batch_size)
    ]
    return DataLoader(
        dataset,
        batch_sampler=batches[rank::world_size],
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
    )


def _metas_of(batch: Mapping[str, Any]) -> list[dict[str, Any]]:
    metas = batch.get('img_metas')
    if metas is None:
        raise KeyError(
            "fast_test needs 'img_metas' with 'filename' in the test-set batches; keep the "
            "test pipeline's Collect meta_keys default (or add 'filename')"
        )
    data = getattr(metas, 'data', metas)
    if isinstance(data, list) and data and isinstance(data[0], list):
        data = [meta for chunk in data for meta in chunk]
    return list(data)


def extract_features_for_fast_test(
    model: nn.Module,
    support_dataloader: DataLoader,
    query_dataloader: DataLoader,
    test_set_dataloader: DataLoader,
    distributed: bool = False,
) -> torch.Tensor:
    """Extracts the features of every test-set image once and caches them in the datasets.

    Args:
        model: The classifier (bare or in :class:`MetaTestParallel`), in eval mode.
        support_dataloader: Its dataset receives the cache (``cache_feats``).
        query_dataloader: Its dataset receives the cache too, unless it shares
            the support dataset's cache.
        test_set_dataloader: Loader over every image of the test set.
        distributed: Split the batches over the ranks of the process group
            and gather the features on every rank.

    Returns:
        The features of the whole test set in dataset order, shape (S, D) (or
        (S, C, H, W) for backbones that keep feature maps).
    """
    model = as_meta_test_model(model)
    rank, world_size = get_dist_info() if distributed else (0, 1)
    loader = _extraction_loader(test_set_dataloader, rank, world_size)
    bar = ProgressBar(len(test_set_dataloader.dataset)) if rank == 0 else None  # type: ignore[arg-type]
    parts: list[tuple[torch.Tensor, list[dict[str, Any]]]] = []
    with torch.no_grad():
        for batch in loader:
            metas = _metas_of(batch)
            feats = model(img=batch['img'], img_metas=metas, mode='extract_feat')
            parts.append((feats.detach().cpu(), metas))
            if bar is not None:
                bar.update(len(metas) * world_size)
    if bar is not None:
        bar.file.write('\n')
    if world_size > 1:
        gathered = all_gather_object(parts)
        # Rank r holds batches r, r + W, ...: interleave back into dataset order.
        parts = [
            gathered[i % world_size][i // world_size] for i in range(sum(len(g) for g in gathered))
        ]
    feats_all = torch.cat([f for f, _ in parts])
    metas_all = [meta for _, metas in parts for meta in metas]
    support_set = support_dataloader.dataset
    support_set.cache_feats(feats_all, metas_all)  # type: ignore[attr-defined]
    query_set = query_dataloader.dataset
    if not getattr(query_set, 'with_cache_feats', False):
        query_set.cache_feats(feats_all, metas_all)  # type: ignore[attr-defined]
    return feats_all


def _evaluator(dataset: Any) -> Any:
    inner = getattr(dataset, 'dataset', None)
    for candidate in (inner, dataset):
        if candidate is not None and callable(getattr(candidate, 'evaluate', None)):
            return candidate.evaluate
    raise TypeError(
        f'{type(dataset).__name__} (and the dataset it wraps) has no evaluate(results, '
        'gt_labels, ...); wrap a BaseFewShotDataset in the MetaTestDataset'
    )


def _to_plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_json(path: str, payload: Any) -> None:
    """Writes ``payload`` as JSON to a temporary file beside ``path``, then renames it."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(payload, f, indent=2)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def _format(result: Mapping[str, Any]) -> str:
    return ', '.join(
        f'{k}: {v:.2f}' if isinstance(v, float) else f'{k}: {v}'
        for k, v in result.items()
        if k != 'task_id'
    )


def _meta_test(
    model: nn.Module,
    num_test_tasks: int,
    support_dataloader: DataLoader,
    query_dataloader: DataLoader,
    test_set_dataloader: DataLoader | None,
    meta_test_cfg: Mapping[str, Any] | None,
    eval_kwargs: Mapping[str, Any] | None,
    logger: LoggerType,
    confidence_interval: float,
    show_task_results: bool,
    task_results_file: str | None,
    distributed: bool,
) -> dict[str, Any]:
    z_score(confidence_interval)  # fail early on an unsupported level
    num_episodes = getattr(query_dataloader.dataset, 'num_episodes', None)
    if isinstance(num_test_tasks, bool) or not isinstance(num_test_tasks, int | np.integer):
        raise TypeError(f'num_test_tasks must be an integer, got {num_test_tasks!r}')
    if num_test_tasks < 1 or (num_episodes is not None and num_test_tasks > num_episodes):
        raise ValueError(
            f'num_test_tasks={num_test_tasks} must be between 1 and the {num_episodes} '
            'episodes of the meta-test dataset; lower meta_test_cfg.num_episodes or build '
            'the MetaTestDataset with more num_episodes'
        )
    cfg = dict(meta_test_cfg or {})
    kwargs = dict(eval_kwargs or {})
    rank, world_size = get_dist_info() if distributed else (0, 1)
    model = copy.deepcopy(as_meta_test_model(model))
    model.before_meta_test(cfg)
    fast_test = bool(cfg.get('fast_test', False))
    if fast_test and test_set_dataloader is None:
        raise ValueError(
            'meta_test_cfg.fast_test=True needs test_set_dataloader (the third loader of '
            'build_meta_test_dataloader); pass it or set fast_test=False'
        )
    support_set, query_set = support_dataloader.dataset, query_dataloader.dataset
    evaluate = _evaluator(query_set)
    try:
        if fast_test:
            assert test_set_dataloader is not None
            print_log('meta-test: extracting the features of the test set', logger=logger)
            extract_features_for_fast_test(
                model, support_dataloader, query_dataloader, test_set_dataloader, distributed
            )
        print_log(f'meta-test: {num_test_tasks} tasks', logger=logger)
        bar = ProgressBar(int(num_test_tasks)) if rank == 0 else None
        local: list[dict[str, Any]] = []
        for task_id in range(rank, int(num_test_tasks), world_size):
            support_set.set_task_id(task_id)  # type: ignore[attr-defined]
            query_set.set_task_id(task_id)  # type: ignore[attr-defined]
            results, gt_labels = test_single_task(model, support_dataloader, query_dataloader, cfg)
            task_result = dict(evaluate(results, gt_labels, logger=logger, **kwargs))
            task_result['task_id'] = task_id
            local.append(task_result)
            if bar is not None:
                bar.update(min(world_size, int(num_test_tasks) - task_id))
        if bar is not None:
            bar.file.write('\n')
    finally:
        for dataset in (support_set, query_set):
            if fast_test and hasattr(dataset, 'clear_cached_feats'):
                dataset.clear_cached_feats()
    if world_size > 1:
        local = [r for part in all_gather_object(local) for r in part]
    task_results = sorted(local, key=lambda r: r['task_id'])
    summary = summarize_task_results(task_results, confidence_interval)
    if show_task_results:
        for result in task_results:
            print_log(f'task {result["task_id"]}: {_format(result)}', logger=logger)
    if task_results_file is not None and rank == 0:
        plain = [{k: _to_plain(v) for k, v in r.items()} for r in task_results]
        summary_plain = {k: _to_plain(v) for k, v in summary.items()}
        _write_json(
            task_results_file,
            dict(confidence_interval=confidence_interval, summary=summary_plain, tasks=plain),
        )
    print_log(f'meta-test: {_format(summary)}', logger=logger)
    return summary


def single_gpu_meta_test(
    model: nn.Module,
    num_test_tasks: int,
    support_dataloader: DataLoader,
    query_dataloader: DataLoader,
    test_set_dataloader: DataLoader | None = None,
    meta_test_cfg: Mapping[str, Any] | None = None,
    eval_kwargs: Mapping[str, Any] | None = None,
    logger: LoggerType = None,
    confidence_interval: float = 0.95,
    show_task_results: bool = False,
    *,
    task_results_file: str | None = None,
) -> dict[str, Any]:
    """Meta-tests ``model`` on the first ``num_test_tasks`` tasks in this process.

    Args:
        model: The classifier, bare, in a DDP wrapper or in :class:`MetaTestParallel`.
        num_test_tasks: Number of tasks (episodes) to test.
        support_dataloader: Loader of the support set of the current task.
        query_dataloader: Loader of the query set of the current task.
        test_set_dataloader: Loader of every test image (needed by ``fast_test``).
        meta_test_cfg: The meta-test config; ``fast_test`` caches features.
        eval_kwargs: Passed to the dataset's ``evaluate`` (``metric``, ``metric_options``).
        logger: Where to log (an MMLogger, its name, ``'current'`` or ``None`` to print).
        confidence_interval: Confidence level of ``*_std`` (a key of ``Z_SCORE``).
        show_task_results: Whether to log each task's metrics.
        task_results_file: Write the per-task metrics and the summary to this
            JSON file (atomically).

    Returns:
        ``{metric}_mean`` and ``{metric}_std`` (CI half-width) for every metric.
    """
    return _meta_test(
        model, num_test_tasks, support_dataloader, query_dataloader, test_set_dataloader,
        meta_test_cfg, eval_kwargs, logger, confidence_interval, show_task_results,
        task_results_file, distributed=False,
    )  # fmt: skip


def multi_gpu_meta_test(
    model: nn.Module,
    num_test_tasks: int,
    support_dataloader: DataLoader,
    query_dataloader: DataLoader,
    test_set_dataloader: DataLoader | None = None,
    meta_test_cfg: Mapping[str, Any] | None = None,
    eval_kwargs: Mapping[str, Any] | None = None,
    logger: LoggerType = None,
    confidence_interval: float = 0.95,
    show_task_results: bool = False,
    *,
    task_results_file: str | None = None,
) -> dict[str, Any]:
    """Meta-tests ``model`` with the tasks split over the ranks of the process group.

    Task ``t`` runs on rank ``t % world_size``; the per-task results are
    gathered in task order on every rank, so every rank returns the same
    summary, equal to :func:`single_gpu_meta_test`'s on the same episodes.
    Every rank needs the same loaders (not sharded). Arguments as for
    :func:`single_gpu_meta_test`; only rank 0 shows progress and writes
    ``task_results_file``.

    Returns:
        ``{metric}_mean`` and ``{metric}_std`` (CI half-width) for every metric.
    """
    return _meta_test(
        model, num_test_tasks, support_dataloader, query_dataloader, test_set_dataloader,
        meta_test_cfg, eval_kwargs, logger, confidence_interval, show_task_results,
        task_results_file, distributed=True,
    )  # fmt: skip


__all__ = [
    'extract_features_for_fast_test',
    'multi_gpu_meta_test',
    'single_gpu_meta_test',
    'test_single_task',
]
