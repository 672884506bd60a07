from __future__ import annotations

import numpy as np
import pytest
import torch

from mmfewshot.registry import TRANSFORMS


def test_image_to_tensor_is_chw(image_4x6: np.ndarray) -> None:
    out = TRANSFORMS.build(dict(type='ImageToTensor', keys=['img']))({'img': image_4x6[:, ::-1]})
    assert isinstance(out['img'], torch.Tensor)
    assert out['img'].shape == (3, 4, 6)
    assert out['img'].dtype == torch.uint8
    assert out['img'].is_contiguous()
    for c in range(3):
        np.testing.assert_array_equal(out['img'][c].numpy(), image_4x6[:, ::-1, c])


def test_image_to_tensor_grayscale_gets_channel_axis() -> None:
    gray = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = TRANSFORMS.build(dict(type='ImageToTensor', keys=['img']))({'img': gray})
    assert out['img'].shape == (1, 3, 4)
    np.testing.assert_array_equal(out['img'][0].numpy(), gray)


def test_image_to_tensor_errors() -> None:
    with pytest.raises(TypeError, match="use \\['img'\\]"):
        TRANSFORMS.build(dict(type='ImageToTensor', keys='img'))
    with pytest.raises(KeyError, match=r"ImageToTensor needs results\['img'\]"):
        TRANSFORMS.build(dict(type='ImageToTensor', keys=['img']))({'other': 1})
