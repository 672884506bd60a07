"""The learning-rate and momentum formulas of mmcv 1.x ``*UpdaterHook``, as pure functions.

Notation: ``base`` is a param group's initial value (``initial_lr`` /
``initial_momentum``), ``p`` the progress (the current epoch when the policy is
``by_epoch``, else the current iteration, both 0-based), ``P`` the total
(``max_epochs`` or ``max_iters``) and ``i`` the current iteration.

Regular value (computed from ``p``):

* ``Fixed``: ``base``.
* ``Step(step, gamma=0.1, min_lr=None)``: ``base * gamma ** k`` where ``k = p // step``
  for an int ``step`` and ``k`` = the number of milestones ``<= p`` for a list;
  clipped below at ``min_lr`` when given.
* ``Exp(gamma)``: ``base * gamma ** p``.
* ``Poly(power=1, min_lr=0)``: ``(base - min_lr) * (1 - p / P) ** power + min_lr``.
* ``Inv(gamma, power=1)``: ``base * (1 + gamma * p) ** -power``.
* ``CosineAnnealing(min_lr | min_lr_ratio)``: ``cos_anneal(base, target, p / P)`` with
  ``target = min_lr`` or ``base * min_lr_ratio`` and
  ``cos_anneal(a, b, f) = b + (a - b) * (cos(pi * f) + 1) / 2``.
* ``Cyclic(target_ratio=(10, 1e-4), cyclic_times=1, step_ratio_up=0.4,
  anneal_strategy='cos', gamma=1)`` (iterations only): with ``L = max_iters //
  cyclic_times`` and ``U = int(step_ratio_up * L)``, iteration ``i`` is at
  ``c = i % L`` of cycle ``n = i // L``; ``s = gamma ** n``. For ``c < U`` the value
  anneals from ``base`` to ``base * (1 - s + r0 * s)`` over ``c / U``; otherwise from
  ``base * (1 - s + r0 * s)`` to ``base * r1`` over ``(c - U) / (L - U)``.
  ``anneal_strategy='linear'`` uses ``a + (b - a) * f`` instead of ``cos_anneal``.

Warmup (by iteration, applied on top of the regular value ``v`` while ``i < W``,
``W = warmup_iters``, ``r = warmup_ratio``):

* learning rate: ``constant``: ``v * r``; ``linear``: ``v * (1 - (1 - i / W) * (1 - r))``;
  ``exp``: ``v * r ** (1 - i / W)``.
* momentum (the inverse): ``constant``: ``v / r``; ``linear``:
  ``v / (1 - (1 - i / W) * (1 - r))``; ``exp``: ``v / r ** (1 - i / W)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

WARMUP_TYPES = ('constant', 'linear', 'exp')
PolicyFn = Callable[[float, int, int], float]
"""``(base, progress, total) -> value``; ``progress`` is the iteration for ``Cyclic``."""


def annealing_cos(start: float, end: float, factor: float, weight: float = 1.0) -> float:
    """Cosine interpolation from ``start`` (factor 0) to ``end`` (factor 1)."""
    return end + 0.5 * weight * (start - end) * (math.cos(math.pi * factor) + 1)


def annealing_linear(start: float, end: float, factor: float) -> float:
    """Linear interpolation from ``start`` (factor 0) to ``end`` (factor 1)."""
    return start + (end - start) * factor


def warmup_value(
    regular: float, cur_iter: int, warmup: str, warmup_iters: int, ratio: float
) -> float:
    """The learning rate at warmup iteration ``cur_iter`` (``< warmup_iters``)."""
    if warmup == 'constant':
        return regular * ratio
    if warmup == 'linear':
        return regular * (1 - (1 - cur_iter / warmup_iters) * (1 - ratio))
    return regular * ratio ** (1 - cur_iter / warmup_iters)


def warmup_momentum(
    regular: float, cur_iter: int, warmup: str, warmup_iters: int, ratio: float
) -> float:
    """The momentum at warmup iteration ``cur_iter``: the inverse of :func:`warmup_value`."""
    if warmup == 'constant':
        return regular / ratio
    if warmup == 'linear':
        return regular / (1 - (1 - cur_iter / warmup_iters) * (1 - ratio))
    return regular / ratio ** (1 - cur_iter / warmup_iters)


def check_warmup(warmup: str | None, warmup_iters: int, warmup_ratio: float) -> None:
    """Validates the warmup arguments the way mmcv 1.x did, with actionable messages."""
    if warmup is None:
        return
    if warmup not in WARMUP_TYPES:
        raise ValueError(
            f'lr_config.warmup={warmup!r} is not supported; use one of {WARMUP_TYPES} or None'
        )
    if warmup_iters <= 0:
        raise ValueError(f'lr_config.warmup_iters={warmup_iters} must be a positive integer')
    if not 0 < warmup_ratio <= 1.0:
        raise ValueError(f'lr_config.warmup_ratio={warmup_ratio} must be in (0, 1]')


def _step_policy(
    step: int | Sequence[int], gamma: float = 0.1, min_lr: float | None = None
) -> PolicyFn:
    if isinstance(step, int):
        if step <= 0:
            raise ValueError(f'lr_config.step={step} must be a positive integer or a list')
    elif not all(isinstance(s, int) and s > 0 for s in step):
        raise ValueError(f'lr_config.step={step} must be positive integers, e.g. [8, 11]')
    milestones = None if isinstance(step, int) else list(step)

    def value(base: float, progress: int, total: int) -> float:
        if milestones is None:
            exponent = progress // step  # type: ignore[operator]
        else:
            exponent = next((k for k, s in enumerate(milestones) if progress < s), len(milestones))
        lr = base * gamma**exponent
        return lr if min_lr is None else max(lr, min_lr)

    return value


def _exp_policy(gamma: float) -> PolicyFn:
    return lambda base, progress, total: base * gamma**progress


def _poly_policy(power: float = 1.0, min_lr: float = 0.0) -> PolicyFn:
    def value(base: float, progress: int, total: int) -> float:
        coeff = (1 - progress / total) ** power
        return (base - min_lr) * coeff + min_lr

    return value


def _inv_policy(gamma: float, power: float = 1.0) -> PolicyFn:
    return lambda base, progress, total: base * (1 + gamma * progress) ** (-power)


def _cosine_policy(min_lr: float | None = None, min_lr_ratio: float | None = None) -> PolicyFn:
    if (min_lr is None) == (min_lr_ratio is None):
        raise ValueError(
            'CosineAnnealing needs exactly one of min_lr and min_lr_ratio, got '
            f'min_lr={min_lr}, min_lr_ratio={min_lr_ratio}; set one and drop the other'
        )

    def value(base: float, progress: int, total: int) -> float:
        target = base * min_lr_ratio if min_lr_ratio is not None else float(min_lr)  # type: ignore[arg-type]
        return annealing_cos(base, target, progress / total)

    return value


def _cyclic_ratio(target_ratio: float | Sequence[float]) -> tuple[float, float]:
    if isinstance(target_ratio, (int, float)):
        return float(target_ratio), float(target_ratio) / 1e5
    ratios = tuple(float(r) for r in target_ratio)
    if len(ratios) == 1:
        return ratios[0], ratios[0] / 1e5
    if len(ratios) == 2:
        return ratios[0], ratios[1]
    raise ValueError(f'target_ratio={target_ratio} must be a float or a tuple of 1 or 2 floats')


def _cyclic_policy(
    target_ratio: float | Sequence[float] = (10, 1e-4),
    cyclic_times: int = 1,
    step_ratio_up: float = 0.4,
    anneal_strategy: str = 'cos',
    gamma: float = 1.0,
) -> PolicyFn:
    start_ratio, end_ratio = _cyclic_ratio(target_ratio)
    if not 0 <= step_ratio_up < 1.0:
        raise ValueError(f'step_ratio_up={step_ratio_up} must be in [0, 1)')
    if not 0 < gamma <= 1:
        raise ValueError(f'gamma={gamma} of the cyclic policy must be in (0, 1]')
    if anneal_strategy not in ('cos', 'linear'):
        raise ValueError(f"anneal_strategy={anneal_strategy!r} must be 'cos' or 'linear'")
    anneal = annealing_cos if anneal_strategy == 'cos' else annealing_linear

    def value(base: float, iteration: int, max_iters: int) -> float:
        phase_len = max_iters // cyclic_times
        up_len = int(step_ratio_up * phase_len)
        cur, cycle = iteration % phase_len, iteration // phase_len
        scale = gamma**cycle
        peak = 1 - scale + start_ratio * scale
        if cur < up_len:
            return anneal(base, base * peak, cur / up_len)
        return anneal(base * peak, base * end_ratio, (cur - up_len) / (phase_len - up_len))

    return value


_POLICIES: dict[str, Callable[..., PolicyFn]] = {
    'Fixed': lambda: lambda base, progress, total: base,
    'Step': _step_policy,
    'Exp': _exp_policy,
    'Poly': _poly_policy,
    'Inv': _inv_policy,
    'CosineAnnealing': _cosine_policy,
    'Cyclic': _cyclic_policy,
}


def normalize_policy(policy: str) -> str:
    """Applies mmcv's rule: an all-lowercase name is title-cased (``'step'`` -> ``'Step'``)."""
    return policy.title() if policy == policy.lower() else policy


def make_policy(policy: str, **kwargs: Any) -> PolicyFn:
    """Builds the regular-value function of an mmcv 1.x ``policy`` with its arguments.

    Args:
        policy: ``'fixed'``, ``'step'``, ``'exp'``, ``'poly'``, ``'inv'``,
            ``'CosineAnnealing'`` or ``'cyclic'`` (mmcv capitalisation rules).
        **kwargs: The policy's arguments, as in ``lr_config``.

    Returns:
        ``(base, progress, total) -> value``.

    Raises:
        ValueError: For an unknown policy or bad arguments.
        TypeError: For arguments the policy does not take.
    """
    name = normalize_policy(policy)
    if name not in _POLICIES:
        raise ValueError(
            f'lr_config policy={policy!r} is not supported; use one of {sorted(_POLICIES)} '
            "(lowercase names are title-cased as in mmcv, e.g. 'step')"
        )
    try:
        return _POLICIES[name](**kwargs)
    except TypeError as error:
        raise TypeError(f'bad arguments {sorted(kwargs)} for policy {name!r}: {error}') from None


__all__ = [
    'WARMUP_TYPES',
    'annealing_cos',
    'annealing_linear',
    'check_warmup',
    'make_policy',
    'normalize_policy',
    'warmup_momentum',
    'warmup_value',
]
