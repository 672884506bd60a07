"""Layers that can run with substituted ("fast") weights, for MAML's inner loop.

MAML (Finn et al., ICML 2017) adapts a copy of the weights with a few gradient
steps on the support set and evaluates the query set with the adapted weights,
keeping the graph back to the original weights. The layers here behave like
their ``torch.nn`` parents unless :func:`set_fast_weights` has given them
tensors to use instead of their parameters. Parameter and buffer names are
unchanged, so checkpoints of converted and unconverted models are alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch.nn.functional as F
from torch import Tensor, nn


class _FastWeightMixin:
    """Holds the tensors that replace this layer's parameters (empty: use the parameters)."""

    fast_params: dict[str, Tensor]

    def _weight(self, name: str) -> Any:
        # A tensor, or None for an absent bias / non-affine norm.
        if name in self.fast_params:
            return self.fast_params[name]
        return getattr(self, name)


class LinearWithFastWeight(_FastWeightMixin, nn.Linear):
    """:class:`torch.nn.Linear` that can run with fast weights."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__(in_features, out_features, bias=bias)
        self.fast_params = {}

    def forward(self, x: Tensor) -> Tensor:
        """Applies the layer, shape (B, in_features) -> (B, out_features)."""
        return F.linear(x, self._weight('weight'), self._weight('bias'))


class Conv2dWithFastWeight(_FastWeightMixin, nn.Conv2d):
    """:class:`torch.nn.Conv2d` (zero padding mode) that can run with fast weights."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.padding_mode != 'zeros':
            raise ValueError(
                f'Conv2dWithFastWeight supports padding_mode="zeros" only, got '
                f'"{self.padding_mode}"; use zero padding in MAML backbones'
            )
        self.fast_params = {}

    def forward(self, x: Tensor) -> Tensor:
        """Applies the convolution, shape (B, C_in, H, W) -> (B, C_out, H', W')."""
        return F.conv2d(
            x,
            self._weight('weight'),
            self._weight('bias'),
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )


class BatchNorm2dWithFastWeight(_FastWeightMixin, nn.BatchNorm2d):
    """:class:`torch.nn.BatchNorm2d` that always normalises with the batch statistics.

    As in the usual MAML setting (and the original MMFewShot), the running
    statistics are neither used nor updated, in training and in testing: each
    support or query batch is normalised with its own mean and variance.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fast_params = {}

    def forward(self, x: Tensor) -> Tensor:
        """Normalises ``x`` with its batch statistics, shape (B, C, H, W)."""
        return F.batch_norm(
            x,
            None,
            None,
            self._weight('weight'),
            self._weight('bias'),
            training=True,
            momentum=0.0,
            eps=self.eps,
        )


def _convert_layer(layer: nn.Module) -> nn.Module:
    new: nn.Module
    if isinstance(layer, _FastWeightMixin):
        return layer
    if isinstance(layer, nn.Linear):
        new = LinearWithFastWeight(layer.in_features, layer.out_features, layer.bias is not None)
    elif isinstance(layer, nn.Conv2d):
        new = Conv2dWithFastWeight(
            layer.in_channels,
            layer.out_channels,
            layer.kernel_size,
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
            groups=layer.groups,
            bias=layer.bias is not None,
            padding_mode=layer.padding_mode,
        )
    elif isinstance(layer, nn.BatchNorm2d):
        new = BatchNorm2dWithFastWeight(
            layer.num_features,
            eps=layer.eps,
            momentum=layer.momentum,
            affine=layer.affine,
            track_running_stats=layer.track_running_stats,
        )
    else:
        return layer
    # Keep the very same parameter and buffer objects (and so their values).
    for name, param in layer.named_parameters(recurse=False):
        setattr(new, name, param)
    for name, buf in layer.named_buffers(recurse=False):
        new.register_buffer(name, buf)
    new.train(layer.training)
    return new


def convert_maml_module(module: nn.Module) -> nn.Module:
    """Swaps every ``Linear``, ``Conv2d`` and ``BatchNorm2d`` for its fast-weight version.

    The swap is in place for submodules and keeps the parameter tensors, so
    names, values and an existing optimizer's references stay valid.

    Args:
        module: The model (or layer) to convert.

    Returns:
        The converted module: ``module`` itself unless ``module`` is one of
        the three layer types, in which case a new layer sharing its
        parameters is returned.
    """
    for name, child in list(module.named_children()):
        converted = convert_maml_module(child)
        if converted is not child:
            setattr(module, name, converted)
    return _convert_layer(module)


def set_fast_weights(module: nn.Module, fast: Mapping[str, Tensor] | None) -> None:
    """Makes the fast-weight layers of ``module`` use the given tensors.

    Args:
        module: A model converted by :func:`convert_maml_module`.
        fast: Tensors keyed by parameter name relative to ``module`` (as in
            ``module.named_parameters()``); names that are missing keep their
            parameter. None restores the parameters everywhere.
    """
    for prefix, layer in module.named_modules():
        if not isinstance(layer, _FastWeightMixin):
            continue
        if fast is None:
            layer.fast_params = {}
            continue
        head = f'{prefix}.' if prefix else ''
        layer.fast_params = {
            name: fast[head + name]
            for name, _ in layer.named_parameters(recurse=False)  # type: ignore[attr-defined]
            if head + name in fast
        }
