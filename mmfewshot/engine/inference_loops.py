"""Generic test loops: one result per sample, in dataset order, gathered across ranks."""

from __future__ import annotations

import os.path as osp
from collections.abc import Callable
from typing import Any

import mmcv
import torch
from mmengine.dist import collect_results, get_dist_info
from mmengine.model import is_model_wrapper
from mmengine.utils import ProgressBar
from torch import nn
from torch.utils.data import DataLoader

from mmfewshot.utils.data_container import DataContainer


def _unwrap(model: nn.Module) -> Any:
    return model.module if is_model_wrapper(model) else model


def _batch_metas(batch: Any) -> list[dict[str, Any]]:
    """The per-sample meta dicts of a collated batch (first augmentation if several)."""
    metas = batch.get('img_metas') if isinstance(batch, dict) else None
    if isinstance(metas, list) and metas and isinstance(metas[0], DataContainer):
        metas = metas[0]
    if isinstance(metas, DataContainer):
        metas = metas.data[0]
    if not isinstance(metas, list) or not all(isinstance(m, dict) for m in metas):
        raise KeyError(
            "showing results needs 'img_metas' with 'filename' in every batch; add it to "
            "the test pipeline's Collect meta_keys or drop --show/--show-dir"
        )
    return metas


def _show(
    model: nn.Module, batch: Any, outputs: list, show: bool, out_dir: str | None, score_thr: float
) -> None:
    module = _unwrap(model)
    if not hasattr(module, 'show_result'):
        raise TypeError(
            f'{type(module).__name__} has no show_result(img, result, ...); drop --show/--show-dir'
        )
    for meta, result in zip(_batch_metas(batch), outputs, strict=False):
        img = mmcv.imread(meta['filename'])
        name = meta.get('ori_filename', osp.basename(meta['filename']))
        out_file = osp.join(out_dir, name) if out_dir else None
        module.show_result(img, result, show=show, out_file=out_file, score_thr=score_thr)


def run_model_over(
    model: nn.Module,
    data_loader: DataLoader,
    step: str = 'test_step',
    progress_total: int | None = None,
    on_batch: Callable[[Any, list], None] | None = None,
) -> list:
    """Runs ``model.<step>(batch)`` in eval mode without grad over ``data_loader``.

    The model's training mode is restored afterwards.

    Args:
        model: The model or its DDP wrapper.
        data_loader: The loader (a rank's shard when distributed).
        step: ``'test_step'`` or ``'val_step'``; it must return one result per sample.
        progress_total: Size shown by the progress bar (rank 0 only); ``None`` hides it.
        on_batch: Called with each batch and its results (e.g. to show them).

    Returns:
        The results of this process, in loader order.
    """
    was_training = model.training
    model.eval()
    results: list = []
    rank, world_size = get_dist_info()
    bar = ProgressBar(progress_total) if progress_total and rank == 0 else None
    try:
        with torch.no_grad():
            for batch in data_loader:
                outputs = getattr(model, step)(batch)
                if not isinstance(outputs, list):
                    raise TypeError(
                        f'{type(_unwrap(model)).__name__}.{step} returned a '
                        f'{type(outputs).__name__}; it must return a list with one result '
                        'per sample'
                    )
                if on_batch is not None:
                    on_batch(batch, outputs)
                results.extend(outputs)
                if bar is not None:
                    for _ in range(len(outputs) * world_size):
                        bar.update()
    finally:
        model.train(was_training)
    return results


def single_gpu_test(
    model: nn.Module,
    data_loader: DataLoader,
    show: bool = False,
    out_dir: str | None = None,
    show_score_thr: float = 0.3,
) -> list:
    """Tests ``model`` on one device (mmdet 2.x signature).

    Args:
        model: The model (its ``test_step`` returns one result per sample).
        data_loader: The test loader.
        show: Whether to display each result (``model.show_result``).
        out_dir: Folder where drawn results are written, if given.
        show_score_thr: Score threshold of the drawn boxes.

    Returns:
        One result per sample of ``data_loader.dataset``, in dataset order.
    """
    on_batch = None
    if show or out_dir:

        def on_batch(batch: Any, outputs: list) -> None:
            _show(model, batch, outputs, show, out_dir, show_score_thr)

    size = len(data_loader.dataset)  # type: ignore[arg-type]
    return run_model_over(model, data_loader, 'test_step', size, on_batch)


def multi_gpu_test(
    model: nn.Module,
    data_loader: DataLoader,
    tmpdir: str | None = None,
    gpu_collect: bool = False,
) -> list | None:
    """Tests ``model`` with every rank on its shard and gathers the results on rank 0.

    Samples are dealt to ranks round-robin (``DistributedSampler`` order); the
    gathered list is re-interleaved into dataset order and the padding of the
    last round is dropped.

    Args:
        model: The (DDP-wrapped) model.
        data_loader: This rank's loader.
        tmpdir: Shared folder for the parts when ``gpu_collect`` is False
            (a fresh one under ``.dist_test`` when ``None``).
        gpu_collect: Gather through the process group instead of files
            (works with gloo on the CPU as well).

    Returns:
        On rank 0, one result per sample in dataset order; ``None`` elsewhere.
    """
    size = len(data_loader.dataset)  # type: ignore[arg-type]
    results = run_model_over(model, data_loader, 'test_step', size)
    if gpu_collect:
        return collect_results(results, size, device='gpu')
    return collect_results(results, size, device='cpu', tmpdir=tmpdir)


__all__ = ['multi_gpu_test', 'run_model_over', 'single_gpu_test']
