from typing import Any

import pytest
import torch
from torch import nn

from mmfewshot.classification.utils import MetaTestParallel, scatter_to_device
from mmfewshot.utils import DataContainer, collate


class Recorder(nn.Module):
    """Records what forward and the before_* hooks receive."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer('device_indicator', torch.empty(0))
        self.calls: list[tuple[str, Any]] = []

    def forward(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(('forward', (args, kwargs)))
        return 'out'

    def before_meta_test(self, meta_test_cfg: dict) -> None:
        self.calls.append(('before_meta_test', meta_test_cfg))

    def before_forward_support(self) -> None:
        self.calls.append(('before_forward_support', None))

    def before_forward_query(self) -> None:
        self.calls.append(('before_forward_query', None))


def test_forward_unwraps_collated_containers_and_passes_through() -> None:
    module = Recorder()
    model = MetaTestParallel(module)
    samples = [
        dict(img=torch.full((1, 2, 2), float(i)), img_metas=DataContainer({'id': i}, cpu_only=True))
        for i in range(3)
    ]
    batch = collate(samples, samples_per_gpu=3)
    assert model(**batch, gt_label=torch.tensor([0, 1, 2]), mode='support') == 'out'
    args, kwargs = module.calls[-1][1]
    assert args == ()
    assert kwargs['img'].shape == (3, 1, 2, 2)
    assert kwargs['img_metas'] == [{'id': 0}, {'id': 1}, {'id': 2}]
    assert kwargs['gt_label'].tolist() == [0, 1, 2]
    assert kwargs['mode'] == 'support'
    model.before_meta_test({'fast_test': True})
    model.before_forward_support()
    model.before_forward_query()
    assert [c[0] for c in module.calls[1:]] == [
        'before_meta_test', 'before_forward_support', 'before_forward_query'
    ]  # fmt: skip
    assert module.calls[1][1] == {'fast_test': True}
    assert model.device == torch.device('cpu')


def test_forward_requires_a_known_mode() -> None:
    model = MetaTestParallel(Recorder())
    with pytest.raises(ValueError, match='needs mode= one of train, support, query, extract_feat'):
        model(img=torch.zeros(1))
    with pytest.raises(ValueError, match="got 'test'"):
        model(img=torch.zeros(1), mode='test')


def test_scatter_keeps_cpu_only_payloads_and_rejects_several_chunks() -> None:
    cpu = torch.device('cpu')
    metas = DataContainer([[{'a': 1}]], cpu_only=True)
    tensor = DataContainer([torch.ones(2)], stack=True)
    out = scatter_to_device(dict(m=metas, t=tensor, nested=[(torch.zeros(1), 3)]), cpu)
    assert out['m'] == [{'a': 1}]
    assert torch.equal(out['t'], torch.ones(2))
    assert out['nested'][0][1] == 3
    # An uncollated container gives its payload.
    assert scatter_to_device(DataContainer({'b': 2}, cpu_only=True), cpu) == {'b': 2}
    with pytest.raises(ValueError, match='2 device chunks'):
        scatter_to_device(DataContainer([torch.ones(1), torch.ones(1)]), cpu)


def test_wraps_only_modules() -> None:
    with pytest.raises(TypeError, match='MetaTestParallel wraps a torch module'):
        MetaTestParallel('model')  # type: ignore[arg-type]
