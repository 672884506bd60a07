"""Mean and confidence interval of per-task meta-test results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Two-sided z-scores of the normal distribution, keyed by confidence level.
Z_SCORE: dict[float, float] = {
    0.50: 0.674,
    0.80: 1.282,
    0.90: 1.645,
    0.95: 1.96,
    0.98: 2.326,
    0.99: 2.576,
}


def z_score(confidence_interval: float) -> float:
    """Returns the z-score of a confidence level listed in :data:`Z_SCORE`.

    Raises:
        KeyError: If the level is not one of :data:`Z_SCORE`'s keys.
    """
    for level, value in Z_SCORE.items():
        if abs(level - float(confidence_interval)) < 1e-9:
            return value
    raise KeyError(
        f'confidence_interval={confidence_interval!r} is not supported; use one of '
        f'{sorted(Z_SCORE)}'
    )


def mean_confidence_interval(
    values: Sequence[Any] | np.ndarray, confidence_interval: float = 0.95
) -> tuple[Any, Any]:
    """Mean of per-task values and the half-width of its confidence interval.

    The half-width is ``z * sigma / sqrt(T)`` where ``T`` is the number of
    tasks, ``z`` the z-score of ``confidence_interval`` and ``sigma`` the
    *population* standard deviation over tasks (``np.std`` with ``ddof=0``,
    as the original MMFewShot computed it). This half-width is what MMFewShot
    reports as ``*_std``.

    Args:
        values: One value per task: scalars, or arrays of one shape (e.g.
            per-class metrics), shape (T, ...).
        confidence_interval: Confidence level, a key of :data:`Z_SCORE`.

    Returns:
        ``(mean, half_width)``: floats for scalar values, arrays otherwise.
    """
    z = z_score(confidence_interval)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0 or array.shape[0] == 0:
        raise ValueError('mean_confidence_interval needs at least one task result')
    mean = array.mean(axis=0)
    half = z * array.std(axis=0) / np.sqrt(array.shape[0])
    if np.ndim(mean) == 0:
        return float(mean), float(half)
    return mean, half


def summarize_task_results(
    task_results: Sequence[Mapping[str, Any]], confidence_interval: float = 0.95
) -> dict[str, Any]:
    """Turns per-task metric dicts into ``{metric}_mean`` and ``{metric}_std`` entries.

    ``{metric}_std`` is the confidence-interval half-width of
    :func:`mean_confidence_interval` (1.96 sigma / sqrt(T) at 95%), not the
    standard deviation. The ``task_id`` entry of each dict is ignored.

    Args:
        task_results: One dict per task, all with the same metric keys.
        confidence_interval: Confidence level, a key of :data:`Z_SCORE`.

    Returns:
        For each metric in the order of the first task, its mean and half-width.
    """
    if not task_results:
        raise ValueError('summarize_task_results needs at least one task result')
    summary: dict[str, Any] = {}
    for key in task_results[0]:
        if key == 'task_id':
            continue
        mean, half = mean_confidence_interval(
            [result[key] for result in task_results], confidence_interval
        )
        summary[f'{key}_mean'] = mean
        summary[f'{key}_std'] = half
    return summary


__all__ = ['Z_SCORE', 'mean_confidence_interval', 'summarize_task_results', 'z_score']
