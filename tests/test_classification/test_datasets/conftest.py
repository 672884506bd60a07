"""Fixtures shared by the classification dataset tests: tiny images written in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfewshot.classification.datasets import BaseFewShotDataset

ImageWriter = Callable[..., np.ndarray]


@pytest.fixture
def write_image() -> ImageWriter:
    """Returns ``write(path, seed=0, height=6, width=5, ext=None) -> BGR array``.

    Writes a small random colour image encoded by its extension (PNG for
    ``ext='.png'`` or any non-image suffix such as ``.byte``), creating parent
    folders, and returns the pixels as written (before lossy JPEG coding).
    """

    def write(
        path: Path, seed: int = 0, height: int = 6, width: int = 5, ext: str | None = None
    ) -> np.ndarray:
        img = np.random.RandomState(seed).randint(0, 256, (height, width, 3)).astype(np.uint8)
        codec = ext or path.suffix.lower()
        if codec not in ('.jpg', '.jpeg', '.png', '.bmp'):
            codec = '.png'
        ok, buf = cv2.imencode(codec, img)
        assert ok
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.tobytes())
        return img

    return write


@pytest.fixture
def png_bytes() -> Callable[[int], tuple[bytes, np.ndarray]]:
    """Returns ``encode(seed) -> (PNG bytes, BGR pixels)`` of a tiny random image."""

    def encode(seed: int) -> tuple[bytes, np.ndarray]:
        img = np.random.RandomState(seed).randint(0, 256, (4, 3, 3)).astype(np.uint8)
        ok, buf = cv2.imencode('.png', img)
        assert ok
        return buf.tobytes(), img

    return encode


class _TinyFewShotDataset(BaseFewShotDataset):
    """In-memory few-shot dataset: class ``c`` has ``counts[c]`` images named ``class_c/i.png``."""

    def __init__(self, counts: list[int], pipeline: list | None = None) -> None:
        self._counts = list(counts)
        names = [f'class_{c}' for c in range(len(counts))]
        super().__init__(data_prefix='tiny_root', pipeline=pipeline or [], classes=names)

    def load_annotations(self) -> list[dict]:
        return [
            {
                'img_prefix': self.data_prefix,
                'img_info': {'filename': f'class_{c}/{i}.png'},
                'gt_label': np.int64(c),
            }
            for c, n in enumerate(self._counts)
            for i in range(n)
        ]


@pytest.fixture
def tiny_fewshot_dataset() -> Callable[..., BaseFewShotDataset]:
    """Returns ``make(counts, pipeline=None)``: a BaseFewShotDataset with no files.

    Items (with the default empty pipeline) are the info dicts themselves:
    ``{'img_prefix': 'tiny_root', 'img_info': {'filename': 'class_c/i.png'},
    'gt_label': np.int64(c)}``.
    """

    def make(counts: list[int], pipeline: list | None = None) -> BaseFewShotDataset:
        return _TinyFewShotDataset(counts, pipeline)

    return make
