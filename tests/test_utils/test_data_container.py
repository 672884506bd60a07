import numpy as np
import pytest
import torch

from mmfewshot.utils import DataContainer


def test_data_container_defaults_match_mmcv() -> None:
    dc = DataContainer(torch.zeros(3, 4, 5))
    assert dc.stack is False
    assert dc.padding_value == 0
    assert dc.cpu_only is False
    assert dc.pad_dims == 2


def test_data_container_tensor_accessors() -> None:
    dc = DataContainer(torch.zeros(3, 4, 5), stack=True, padding_value=7, pad_dims=1)
    assert dc.size() == torch.Size([3, 4, 5])
    assert dc.size(1) == 4
    assert dc.dim() == 3
    assert dc.datatype == 'torch.FloatTensor'
    assert dc.padding_value == 7
    assert dc.pad_dims == 1


def test_data_container_non_tensor_payload() -> None:
    meta = {'filename': 'a.jpg'}
    dc = DataContainer(meta, cpu_only=True)
    assert dc.data is meta
    assert dc.datatype is dict
    # no __len__: a container is always truthy, whatever it holds (as in mmcv)
    assert bool(DataContainer(torch.tensor(0)))
    assert bool(DataContainer([]))
    with pytest.raises(AttributeError, match=r'size\(\) needs a tensor payload, got dict'):
        dc.size()
    with pytest.raises(AttributeError, match=r'dim\(\) needs a tensor payload, got ndarray'):
        DataContainer(np.zeros(3)).dim()


@pytest.mark.parametrize('pad_dims', [None, 1, 2, 3])
def test_data_container_accepts_valid_pad_dims(pad_dims: int | None) -> None:
    assert DataContainer(torch.zeros(1), pad_dims=pad_dims).pad_dims == pad_dims


@pytest.mark.parametrize('pad_dims', [0, 4, 'x'])
def test_data_container_rejects_bad_pad_dims(pad_dims: object) -> None:
    with pytest.raises(ValueError, match='use one of None, 1, 2 or 3'):
        DataContainer(torch.zeros(1), pad_dims=pad_dims)  # type: ignore[arg-type]


def test_data_container_repr_shows_payload() -> None:
    assert repr(DataContainer([1, 2])) == 'DataContainer([1, 2])'
