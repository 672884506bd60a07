from __future__ import annotations

import numpy as np
import pytest
import torch

from mmfewshot.classification.datasets import label_wrapper

CLASS_IDS = [12, 3, 40, 7]  # 12 -> 0, 3 -> 1, 40 -> 2, 7 -> 3


def test_label_wrapper_list_and_tuple() -> None:
    assert label_wrapper([40, 12, 7, 7, 3], CLASS_IDS) == [2, 0, 3, 3, 1]
    out = label_wrapper((7, 40), CLASS_IDS)
    assert out == (3, 2)
    assert isinstance(out, tuple)
    assert label_wrapper([], CLASS_IDS) == []
    assert label_wrapper(40, CLASS_IDS) == 2


def test_label_wrapper_array_keeps_shape() -> None:
    labels = np.array([[3, 12], [7, 40]], dtype=np.int32)
    out = label_wrapper(labels, np.array(CLASS_IDS))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[1, 0], [3, 2]])
    assert out.shape == (2, 2)


def test_label_wrapper_tensor_keeps_dtype_device_shape() -> None:
    labels = torch.tensor([[7], [3], [12]], dtype=torch.int32)
    out = label_wrapper(labels, torch.tensor(CLASS_IDS))
    assert isinstance(out, torch.Tensor)
    assert out.dtype == torch.int32
    assert out.device == labels.device
    assert out.tolist() == [[3], [1], [0]]
    scalar = label_wrapper(torch.tensor(40), CLASS_IDS)
    assert scalar.shape == ()
    assert int(scalar) == 2


def test_label_wrapper_matches_a_dictionary_lookup() -> None:
    rng = np.random.default_rng(0)
    class_ids = rng.permutation(100)[:10].tolist()
    labels = rng.choice(class_ids, size=50).tolist()
    lookup = {c: i for i, c in enumerate(class_ids)}
    assert label_wrapper(labels, class_ids) == [lookup[c] for c in labels]


def test_label_wrapper_errors() -> None:
    with pytest.raises(ValueError, match=r'label 5 is not among class_ids \[12, 3, 40, 7\]; pass'):
        label_wrapper([3, 5], CLASS_IDS)
    with pytest.raises(ValueError, match=r'class_ids \[1, 2, 1\] repeat an id'):
        label_wrapper([1], [1, 2, 1])
    with pytest.raises(TypeError, match='labels must be a tensor, an array'):
        label_wrapper('3', CLASS_IDS)  # type: ignore[type-var]
