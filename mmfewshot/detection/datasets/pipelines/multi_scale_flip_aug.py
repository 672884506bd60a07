"""MultiScaleFlipAug: test-time augmentation over scales and flips (mmdet 2.x)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import Compose, RandomFlip
from mmfewshot.transforms.utils import FLIP_DIRECTIONS


@TRANSFORMS.register_module()
class MultiScaleFlipAug:
    """Runs ``transforms`` once per (scale, flip) pair and gathers the outputs in lists.

    For each scale of ``img_scale`` (or each factor of ``scale_factor``) and for
    no flip plus, with ``flip=True``, each direction of ``flip_direction``, a
    shallow copy of the results gets ``scale`` (or ``scale_factor``), ``flip`` and
    ``flip_direction`` set, then goes through ``transforms`` (whose ``Resize`` and
    ``RandomFlip`` read those keys). The output maps each key to the list of its
    values over the augmentations, e.g. ``{'img': [t0, t1], 'img_metas': [m0, m1]}``.

    Args:
        transforms: Transform configs or callables applied to each augmentation.
        img_scale: One ``(long, short)`` scale or a list of them.
        scale_factor: One factor or a list of factors (instead of ``img_scale``).
        flip: Also run flipped copies.
        flip_direction: Direction(s) of the flipped copies.
    """

    def __init__(
        self,
        transforms: Sequence[dict | Any],
        img_scale: tuple[float, float] | Sequence[tuple[float, float]] | None = None,
        scale_factor: float | Sequence[float] | None = None,
        flip: bool = False,
        flip_direction: str | Sequence[str] = 'horizontal',
    ) -> None:
        if (img_scale is None) == (scale_factor is None):
            raise ValueError(
                'MultiScaleFlipAug needs exactly one of img_scale and scale_factor, got '
                f'img_scale={img_scale!r}, scale_factor={scale_factor!r}'
            )
        self.transforms = Compose(transforms)
        if img_scale is not None:
            scales: list[Any] = list(img_scale) if isinstance(img_scale, list) else [img_scale]
            if not all(isinstance(s, tuple) and len(s) == 2 for s in scales):
                raise ValueError(
                    f'MultiScaleFlipAug img_scale={img_scale!r} must be a (long, short) tuple or a '
                    'list of such tuples'
                )
            self.scale_key = 'scale'
        else:
            scales = list(scale_factor) if isinstance(scale_factor, list) else [scale_factor]
            self.scale_key = 'scale_factor'
        self.img_scale = scales
        self.flip = flip
        directions = [flip_direction] if isinstance(flip_direction, str) else list(flip_direction)
        if any(d not in FLIP_DIRECTIONS for d in directions):
            raise ValueError(
                f'MultiScaleFlipAug flip_direction={flip_direction!r} is invalid; use '
                f'{FLIP_DIRECTIONS}'
            )
        self.flip_direction = directions
        if not flip and directions != ['horizontal']:
            warnings.warn('flip_direction has no effect when flip is False', stacklevel=2)
        if flip and not any(isinstance(t, RandomFlip) for t in self.transforms.transforms):
            warnings.warn(
                'flip=True has no effect without a RandomFlip in transforms', stacklevel=2
            )

    def __call__(self, results: dict[str, Any]) -> dict[str, list[Any]] | None:
        """Returns ``{key: [value per augmentation]}``; ``None`` if a transform drops the sample."""
        flips: list[tuple[bool, str | None]] = [(False, None)]
        if self.flip:
            flips += [(True, direction) for direction in self.flip_direction]
        outputs = []
        for scale in self.img_scale:
            for flip, direction in flips:
                augmented = results.copy()
                augmented[self.scale_key] = scale
                augmented['flip'] = flip
                augmented['flip_direction'] = direction
                out = self.transforms(augmented)
                if out is None:
                    return None
                outputs.append(out)
        return {key: [out[key] for out in outputs] for key in outputs[0]}

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(transforms={self.transforms}, img_scale={self.img_scale}, '
            f'flip={self.flip}, flip_direction={self.flip_direction})'
        )
