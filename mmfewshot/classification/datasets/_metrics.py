"""Classification metrics with mmcls 0.x semantics, in NumPy.

Shapes: ``M`` samples, ``C`` classes. Scores are any per-class scores (higher is
better); labels are integers in ``[0, C)``.

* ``accuracy``: percentage of samples whose label is among the ``k`` highest
  scores. With a threshold ``thr`` a hit only counts when its score is strictly
  larger than ``thr`` (mmcls 0.x).
* ``precision`` / ``recall`` / ``f1_score``: the prediction is the arg-max; with
  ``thr`` a prediction whose score is not larger than ``thr`` counts as no
  prediction. Per class, ``precision = TP / max(TP + FP, 1) * 100``,
  ``recall = TP / max(TP + FN, 1) * 100`` and
  ``f1 = 2 * P * R / max(P + R, eps)``; ``'macro'`` averages over all ``C``
  columns, ``'none'`` returns the per-class arrays.
* ``support``: number of samples per true class; ``'macro'`` gives their sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

ALLOWED_METRICS = ('accuracy', 'precision', 'recall', 'f1_score', 'support')
ALLOWED_AVERAGE_MODES = ('macro', 'none')
_EPS = float(np.finfo(np.float32).eps)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def accuracy(
    scores: np.ndarray, labels: np.ndarray, topk: Sequence[int], thrs: Sequence[float | None]
) -> list[list[float]]:
    """Top-k accuracy in percent.

    Args:
        scores: Scores, shape (M, C).
        labels: True labels, shape (M,).
        topk: The ``k`` values.
        thrs: Score thresholds; ``None`` applies none.

    Returns:
        ``result[i][j]`` is the accuracy for ``topk[i]`` and ``thrs[j]``.
    """
    num_samples, num_classes = scores.shape
    maxk = max(topk)
    if maxk > num_classes or min(topk) < 1:
        raise ValueError(
            f'topk={tuple(topk)} is invalid for {num_classes} classes; '
            f'use values between 1 and {num_classes} in metric_options["topk"]'
        )
    # Stable sort of the negated scores: ties go to the lower class index.
    order = np.argsort(-scores, axis=1, kind='stable')[:, :maxk]  # (M, maxk)
    top_scores = np.take_along_axis(scores, order, axis=1)  # (M, maxk)
    hits = order == labels.reshape(-1, 1)  # (M, maxk)
    result = []
    for k in topk:
        per_thr = []
        for thr in thrs:
            hit_k = hits[:, :k]
            if thr is not None:
                hit_k = hit_k & (top_scores[:, :k] > thr)
            per_thr.append(float(hit_k.any(axis=1).sum()) * 100.0 / num_samples)
        result.append(per_thr)
    return result


def precision_recall_f1(
    scores: np.ndarray, labels: np.ndarray, average_mode: str, thrs: Sequence[float | None]
) -> tuple[list[Any], list[Any], list[Any]]:
    """Precision, recall and F1 in percent, one entry per threshold.

    Args:
        scores: Scores, shape (M, C).
        labels: True labels, shape (M,).
        average_mode: ``'macro'`` (a float per threshold) or ``'none'`` (an
            array of shape (C,) per threshold).
        thrs: Score thresholds; ``None`` applies none.

    Returns:
        Lists of precisions, recalls and F1 scores, one entry per threshold.
    """
    num_classes = scores.shape[1]
    pred_label = scores.argmax(axis=1)  # (M,)
    pred_score = scores.max(axis=1)  # (M,)
    gt_positive = np.eye(num_classes, dtype=bool)[labels]  # (M, C)
    precisions: list[Any] = []
    recalls: list[Any] = []
    f1_scores: list[Any] = []
    for thr in thrs:
        pred_positive = np.eye(num_classes, dtype=bool)[pred_label]  # (M, C)
        if thr is not None:
            pred_positive &= (pred_score > thr)[:, None]
        true_pos = (pred_positive & gt_positive).sum(axis=0).astype(np.float64)  # (C,)
        precision = true_pos / np.maximum(pred_positive.sum(axis=0), 1.0) * 100.0
        recall = true_pos / np.maximum(gt_positive.sum(axis=0), 1.0) * 100.0
        f1 = 2 * precision * recall / np.maximum(precision + recall, _EPS)
        if average_mode == 'macro':
            precisions.append(float(precision.mean()))
            recalls.append(float(recall.mean()))
            f1_scores.append(float(f1.mean()))
        else:
            precisions.append(precision)
            recalls.append(recall)
            f1_scores.append(f1)
    return precisions, recalls, f1_scores


def support(scores: np.ndarray, labels: np.ndarray, average_mode: str) -> Any:
    """Samples per true class (``'none'``, shape (C,)) or their total (``'macro'``)."""
    counts = np.bincount(labels, minlength=scores.shape[1]).astype(np.float64)
    return float(counts.sum()) if average_mode == 'macro' else counts


def _check_inputs(
    results: Any, gt_labels: Any, metrics: Sequence[str], average_mode: str
) -> tuple[np.ndarray, np.ndarray]:
    unknown = [m for m in metrics if m not in ALLOWED_METRICS]
    if unknown:
        raise ValueError(
            f'metric {unknown[0]!r} is not supported; use one of {", ".join(ALLOWED_METRICS)}'
        )
    if average_mode not in ALLOWED_AVERAGE_MODES:
        raise ValueError(
            f'average_mode={average_mode!r} is not supported; '
            f'use one of {", ".join(map(repr, ALLOWED_AVERAGE_MODES))}'
        )
    if len(results) == 0:
        raise ValueError('results is empty; evaluate needs one score array per sample')
    scores = np.vstack([np.asarray(r, dtype=np.float64).reshape(1, -1) for r in results])
    labels = np.asarray(gt_labels).reshape(-1)
    if labels.dtype.kind not in 'iu':
        raise TypeError(f'gt_labels must hold integers, got dtype {labels.dtype}')
    labels = labels.astype(np.int64)
    if len(labels) != len(scores):
        raise ValueError(
            f'got {len(scores)} results but {len(labels)} gt_labels; '
            'pass one score array per ground-truth label'
        )
    if labels.min() < 0 or labels.max() >= scores.shape[1]:
        raise ValueError(
            f'gt_labels must lie in [0, {scores.shape[1]}) to match the {scores.shape[1]} '
            f'scores per sample, got values in [{labels.min()}, {labels.max()}]'
        )
    return scores, labels


def evaluate_scores(
    results: Any,
    gt_labels: Any,
    metric: str | Sequence[str] = 'accuracy',
    metric_options: dict | None = None,
) -> dict[str, Any]:
    """Evaluates per-sample scores the way mmcls 0.x ``BaseDataset.evaluate`` did.

    Args:
        results: One score array per sample, each of shape (C,) or (1, C).
        gt_labels: True labels, shape (M,).
        metric: One metric name or a list of them, from ``ALLOWED_METRICS``.
        metric_options: ``topk`` (int or tuple, default 1), ``thrs`` (float or
            tuple; default: no threshold) and ``average_mode`` (``'macro'`` or
            ``'none'``, default ``'macro'``).

    Returns:
        ``accuracy`` (or ``accuracy_top-{k}`` when ``topk`` is a tuple),
        ``precision``, ``recall``, ``f1_score``, ``support``; with a tuple of
        thresholds each key gets a ``_thr_{thr:.2f}`` suffix.
    """
    options = dict(metric_options or {})
    metrics = [metric] if isinstance(metric, str) else list(metric)
    topk = options.get('topk', 1)
    thrs = options.get('thrs')
    average_mode = options.get('average_mode', 'macro')
    scores, labels = _check_inputs(results, gt_labels, metrics, average_mode)
    topk_tuple = _as_tuple(topk)
    thrs_tuple = _as_tuple(thrs)
    if not all(isinstance(k, int | np.integer) and not isinstance(k, bool) for k in topk_tuple):
        raise TypeError(f'metric_options["topk"]={topk!r} must be an int or a tuple of ints')
    if thrs is not None and not all(
        isinstance(t, float | int | np.number) and not isinstance(t, bool) for t in thrs_tuple
    ):
        raise TypeError(f'metric_options["thrs"]={thrs!r} must be a number or a tuple of numbers')
    thrs_is_tuple = isinstance(thrs, list | tuple)

    eval_results: dict[str, Any] = {}
    if 'accuracy' in metrics:
        accs = accuracy(scores, labels, topk_tuple, thrs_tuple)
        names = (
            [f'accuracy_top-{k}' for k in topk_tuple]
            if isinstance(topk, list | tuple)
            else ['accuracy']
        )
        for name, per_thr in zip(names, accs, strict=True):
            if thrs_is_tuple:
                for thr, value in zip(thrs_tuple, per_thr, strict=True):
                    eval_results[f'{name}_thr_{thr:.2f}'] = value
            else:
                eval_results[name] = per_thr[0]
    if 'support' in metrics:
        eval_results['support'] = support(scores, labels, average_mode)
    prf_keys = ('precision', 'recall', 'f1_score')
    if any(key in metrics for key in prf_keys):
        values = precision_recall_f1(scores, labels, average_mode, thrs_tuple)
        for key, per_thr in zip(prf_keys, values, strict=True):
            if key not in metrics:
                continue
            if thrs_is_tuple:
                for thr, value in zip(thrs_tuple, per_thr, strict=True):
                    eval_results[f'{key}_thr_{thr:.2f}'] = value
            else:
                eval_results[key] = per_thr[0]
    return eval_results
