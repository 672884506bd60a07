"""Compose: chains pipeline transforms built from configs or given as callables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mmfewshot.registry import TRANSFORMS


@TRANSFORMS.register_module()
class Compose:
    """Applies transforms in order; stops and returns ``None`` when one returns ``None``.

    A transform returning ``None`` means "drop this sample" (e.g. a random crop that
    lost every box); datasets then draw another index, as mmdet 2.x datasets did.

    Args:
        transforms: Transform configs (``dict(type=..., ...)``, built through
            :data:`mmfewshot.registry.TRANSFORMS`) or callables taking and returning
            a results dict.

    Examples:
        >>> pipeline = Compose([dict(type='ToTensor', keys=['gt_label'])])
        >>> pipeline({'gt_label': 3})['gt_label']
        tensor([3])
    """

    def __init__(self, transforms: Sequence[dict | Callable[[Any], Any]]) -> None:
        if isinstance(transforms, (str, dict)) or not isinstance(transforms, Sequence):
            raise TypeError(
                f'Compose expects a list of transform configs or callables, got '
                f'{type(transforms).__name__}; wrap a single transform in a list'
            )
        self.transforms: list[Callable[[Any], Any]] = []
        for index, transform in enumerate(transforms):
            if isinstance(transform, dict):
                transform = TRANSFORMS.build(transform)
            if not callable(transform):
                raise TypeError(
                    f'pipeline entry {index} is a {type(transform).__name__}, not a config dict '
                    'or a callable; give dict(type=..., ...) or a function of the results dict'
                )
            self.transforms.append(transform)

    def __call__(self, data: Any) -> Any:
        """Runs every transform on ``data``; returns ``None`` as soon as one does."""
        for transform in self.transforms:
            data = transform(data)
            if data is None:
                return None
        return data

    def __repr__(self) -> str:
        inner = ''.join(f'\n    {transform!r},' for transform in self.transforms)
        return f'{self.__class__.__name__}([{inner}\n])' if inner else 'Compose([])'
