import torch
import torch.nn.functional as F
from torch import nn

from mmfewshot.classification.models.utils import (
    BatchNorm2dWithFastWeight,
    Conv2dWithFastWeight,
    LinearWithFastWeight,
    convert_maml_module,
    set_fast_weights,
)


def _net() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, bias=False),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 2),
    )


def test_convert_keeps_names_values_and_parameters() -> None:
    torch.manual_seed(0)
    net = _net()
    names = list(net.state_dict())
    params = list(net.parameters())
    converted = convert_maml_module(net)
    assert converted is net
    assert isinstance(net[0], Conv2dWithFastWeight)
    assert isinstance(net[1], BatchNorm2dWithFastWeight)
    assert isinstance(net[4], LinearWithFastWeight)
    assert list(net.state_dict()) == names
    assert all(a is b for a, b in zip(params, net.parameters(), strict=True))
    layer = convert_maml_module(nn.Linear(3, 2))
    assert isinstance(layer, LinearWithFastWeight)


def test_converted_layers_compute_like_torch_without_fast_weights() -> None:
    torch.manual_seed(0)
    reference = _net()
    net = convert_maml_module(_net())
    net.load_state_dict(reference.state_dict())
    x = torch.randn(5, 3, 4, 4)
    # In training mode both normalise with the batch statistics.
    assert torch.allclose(net.train()(x), reference.train()(x), atol=1e-6)


def test_batch_norm_always_uses_batch_statistics() -> None:
    bn = BatchNorm2dWithFastWeight(2).eval()
    x = torch.randn(4, 2, 3, 3) * 3 + 5
    expected = F.batch_norm(x, None, None, bn.weight, bn.bias, training=True, eps=bn.eps)
    assert torch.allclose(bn(x), expected)
    assert torch.equal(bn.running_mean, torch.zeros(2))  # never updated


def test_fast_weights_replace_parameters_until_cleared() -> None:
    torch.manual_seed(0)
    net = convert_maml_module(_net())
    x = torch.randn(2, 3, 4, 4)
    base = net(x)
    fast = {name: torch.zeros_like(p) for name, p in net.named_parameters()}
    fast['4.bias'] = torch.tensor([1.0, -1.0])
    set_fast_weights(net, fast)
    assert torch.allclose(net(x), torch.tensor([[1.0, -1.0], [1.0, -1.0]]))
    # Missing names keep their parameter.
    set_fast_weights(net, {'4.bias': torch.tensor([10.0, 10.0])})
    assert torch.allclose(net(x), base - net[4].bias + 10.0, atol=1e-5)
    set_fast_weights(net, None)
    assert torch.allclose(net(x), base)
