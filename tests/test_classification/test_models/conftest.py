"""Tiny batches in the collated form the models receive from the dataloaders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
import torch

from mmfewshot.utils import DataContainer, collate, multi_pipeline_collate_fn


def _sample(label: int, size: int, generator: torch.Generator) -> dict[str, Any]:
    # Class-dependent mean so that tiny models can separate the classes.
    img = torch.randn(3, size, size, generator=generator) * 0.5 + (label % 5) - 2.0
    return {
        'img': img,
        'gt_label': torch.tensor(label),
        'img_metas': DataContainer({'filename': f'{label}.png'}, cpu_only=True),
    }


@pytest.fixture
def episode_batch() -> Callable[..., dict[str, Any]]:
    """Builds a collated episode: ``{'support_data': {...}, 'query_data': {...}}``."""

    def make(
        class_ids: Sequence[int] = (5, 9, 2),
        shots: int = 2,
        queries: int = 3,
        size: int = 32,
        seed: int = 0,
    ) -> dict[str, Any]:
        generator = torch.Generator().manual_seed(seed)
        support = [_sample(c, size, generator) for c in class_ids for _ in range(shots)]
        query = [_sample(c, size, generator) for c in class_ids for _ in range(queries)]
        return multi_pipeline_collate_fn(
            [{'support_data': support, 'query_data': query}], samples_per_gpu=1
        )

    return make


@pytest.fixture
def plain_batch() -> Callable[..., dict[str, Any]]:
    """Builds a collated plain batch: ``{'img', 'gt_label', 'img_metas'}``."""

    def make(labels: Sequence[int] = (0, 1, 2, 3), size: int = 32, seed: int = 0) -> dict[str, Any]:
        generator = torch.Generator().manual_seed(seed)
        samples = [_sample(c, size, generator) for c in labels]
        return collate(samples, samples_per_gpu=len(samples))

    return make
