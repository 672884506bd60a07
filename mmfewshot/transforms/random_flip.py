"""RandomFlip with the mmcls 0.x (``flip_prob``) and mmdet 2.x (``flip_ratio``) arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import FLIP_DIRECTIONS, flip_bboxes, image_fields


@TRANSFORMS.register_module()
class RandomFlip:
    """Flips images and boxes horizontally, vertically or diagonally at random.

    ``flip_prob`` (mmcls 0.x) and ``flip_ratio`` (mmdet 2.x) are two names for the
    same thing; give at most one. With neither, nothing is flipped unless
    ``results['flip']`` is already set (as ``MultiScaleFlipAug`` does): mmdet's
    default, chosen over mmcls's implicit 0.5 so that a bare ``RandomFlip()`` in a
    test pipeline never augments.

    * one probability and one direction: flip with that probability;
    * one probability and a list of directions: flip with that probability, the
      direction uniform among the list;
    * a list of probabilities (one per direction): each direction with its own
      probability, no flip with ``1 - sum``.

    A preset ``results['flip']`` / ``results['flip_direction']`` is respected.
    Sets ``flip`` and ``flip_direction``, flips every image field and every key of
    ``bbox_fields`` (``x1' = w - x2``, ``x2' = w - x1``, the mmdet 2.x formula).
    The draw uses NumPy's global RNG as mmcv/mmdet/mmcls did, so worker seeding and
    :func:`mmfewshot.utils.local_numpy_seed` control it.

    Args:
        flip_prob: mmcls name of the flip probability (or list of probabilities).
        direction: ``'horizontal'``, ``'vertical'``, ``'diagonal'``, or a list of them.
        flip_ratio: mmdet name of the flip probability (or list of probabilities).
    """

    def __init__(
        self,
        flip_prob: float | Sequence[float] | None = None,
        direction: str | Sequence[str] = 'horizontal',
        flip_ratio: float | Sequence[float] | None = None,
    ) -> None:
        if flip_prob is not None and flip_ratio is not None:
            raise ValueError(
                'RandomFlip got both flip_prob (mmcls) and flip_ratio (mmdet); give only one'
            )
        prob = flip_prob if flip_prob is not None else flip_ratio
        directions = [direction] if isinstance(direction, str) else list(direction)
        if not directions or any(d not in FLIP_DIRECTIONS for d in directions):
            raise ValueError(
                f'RandomFlip direction={direction!r} is invalid; use one of {FLIP_DIRECTIONS} '
                'or a non-empty list of them'
            )
        self.flip_prob = flip_prob
        self.flip_ratio = flip_ratio
        self.direction = direction
        self._directions = directions
        self._probs: list[float] | None = None
        if prob is None:
            return
        if isinstance(prob, (int, float)):
            if not 0 <= prob <= 1:
                raise ValueError(f'RandomFlip probability {prob} must be in [0, 1]')
            self._probs = [prob / len(directions)] * len(directions)
        else:
            probs = [float(p) for p in prob]
            if len(probs) != len(directions):
                raise ValueError(
                    f'RandomFlip got {len(probs)} probabilities for {len(directions)} directions; '
                    'give one probability per direction'
                )
            if any(p < 0 for p in probs) or sum(probs) > 1 + 1e-6:
                raise ValueError(f'RandomFlip probabilities {probs} must be >= 0 and sum to <= 1')
            self._probs = probs

    def _draw_direction(self) -> str | None:
        if self._probs is None or sum(self._probs) == 0:
            return None
        if len(self._directions) == 1:
            # One uniform draw, as mmcls 0.x did (`np.random.rand() < flip_prob`).
            return self._directions[0] if np.random.rand() < self._probs[0] else None
        choices: list[str | None] = [*self._directions, None]
        probs = np.array([*self._probs, max(0.0, 1 - sum(self._probs))])
        index = np.random.choice(len(choices), p=probs / probs.sum())
        return choices[int(index)]

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Draws (or reads) the flip decision and applies it to one sample."""
        if 'flip' not in results:
            chosen = self._draw_direction()
            results['flip'] = chosen is not None
            if 'flip_direction' not in results:
                # mmcls records its direction even without flipping; mmdet records None.
                keep = self.flip_prob is not None and isinstance(self.direction, str)
                results['flip_direction'] = self.direction if keep else chosen
        elif results.get('flip_direction') is None and results['flip']:
            results['flip_direction'] = self._directions[0]
        if not results['flip']:
            return results
        direction = results['flip_direction']
        if direction not in FLIP_DIRECTIONS:
            raise ValueError(
                f"results['flip_direction']={direction!r} is invalid; use one of {FLIP_DIRECTIONS}"
            )
        for key in image_fields(results):
            results[key] = np.ascontiguousarray(mmcv.imflip(results[key], direction=direction))
        img_shape = results.get('img_shape', results[image_fields(results)[0]].shape)
        for key in results.get('bbox_fields', []):
            results[key] = flip_bboxes(results[key], img_shape, direction)
        return results

    def __repr__(self) -> str:
        name = 'flip_prob' if self.flip_prob is not None else 'flip_ratio'
        value = self.flip_prob if self.flip_prob is not None else self.flip_ratio
        return f'{self.__class__.__name__}({name}={value}, direction={self.direction!r})'
