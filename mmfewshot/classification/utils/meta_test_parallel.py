"""A single-device wrapper that feeds collated meta-test batches to a classifier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from mmfewshot.utils.data_container import DataContainer

_MODES = ('train', 'support', 'query', 'extract_feat')


def _unwrap_container(container: DataContainer) -> Any:
    """The payload of this device: the single chunk of a collated container.

    A container that was not collated (its payload is not a list of chunks)
    gives its payload as it is.
    """
    chunks = container.data
    if not isinstance(chunks, list):
        return chunks
    if len(chunks) != 1:
        raise ValueError(
            f'MetaTestParallel got a DataContainer with {len(chunks)} device chunks; it drives '
            'one device, so build the meta-test dataloaders with num_gpus=1'
        )
    return chunks[0]


def scatter_to_device(data: Any, device: torch.device) -> Any:
    """Unwraps :class:`DataContainer` fields and moves tensors to ``device``, recursively.

    ``cpu_only`` containers (image metas) become their plain payload and stay
    on the CPU; other containers give their single chunk, moved to ``device``.

    Args:
        data: A collated batch: dicts, lists, tuples, tensors, containers.
        device: The target device.

    Returns:
        The same structure without containers and with tensors on ``device``.
    """
    if isinstance(data, DataContainer):
        payload = _unwrap_container(data)
        return payload if data.cpu_only else scatter_to_device(payload, device)
    if isinstance(data, torch.Tensor):
        return data.to(device)
    if isinstance(data, Mapping):
        return {key: scatter_to_device(value, device) for key, value in data.items()}
    if isinstance(data, list):
        return [scatter_to_device(item, device) for item in data]
    if isinstance(data, tuple):
        return tuple(scatter_to_device(item, device) for item in data)
    return data


class MetaTestParallel(nn.Module):
    """Runs a few-shot classifier on its own device with collated meta-test batches.

    The counterpart of mmcv's ``MMDataParallel`` for meta-testing: calls are
    forwarded to the wrapped classifier after the inputs were unwrapped from
    their :class:`~mmfewshot.utils.DataContainer` (one chunk per device; the
    single chunk is used) and moved to the classifier's device (``cpu_only``
    fields such as ``img_metas`` stay plain lists on the CPU). The meta-test
    hooks :meth:`before_meta_test`, :meth:`before_forward_support` and
    :meth:`before_forward_query` are passed through.

    Args:
        module: The classifier (it has ``forward(..., mode=...)`` and the
            ``before_*`` methods of :class:`BaseFewShotClassifier`).
        dim: Kept for the 0.x signature; batches are never split.

    Examples:
        >>> model = MetaTestParallel(classifier)
        >>> model(img=batch['img'], mode='extract_feat')  # batch from a dataloader
    """

    def __init__(self, module: nn.Module, dim: int = 0) -> None:
        super().__init__()
        if not isinstance(module, nn.Module):
            raise TypeError(
                f'MetaTestParallel wraps a torch module, got {type(module).__name__}; '
                'pass the built classifier'
            )
        self.module: Any = module
        self.dim = dim

    @property
    def device(self) -> torch.device:
        """The device of the wrapped classifier (of its first parameter or buffer)."""
        indicator = getattr(self.module, 'device_indicator', None)
        if isinstance(indicator, torch.Tensor):
            return indicator.device
        for tensor in (*self.module.parameters(), *self.module.buffers()):
            return tensor.device
        return torch.device('cpu')

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """Calls the classifier on inputs moved to its device.

        Args:
            *inputs: Positional inputs of the classifier's ``forward``.
            **kwargs: Keyword inputs; ``mode`` must be one of ``'train'``,
                ``'support'``, ``'query'``, ``'extract_feat'``.

        Returns:
            What the classifier returns for that mode.
        """
        mode = kwargs.get('mode')
        if mode not in _MODES:
            raise ValueError(
                f'MetaTestParallel.forward needs mode= one of {", ".join(_MODES)}, got {mode!r}'
            )
        device = self.device
        return self.module(
            *scatter_to_device(list(inputs), device), **scatter_to_device(kwargs, device)
        )

    def before_meta_test(self, meta_test_cfg: Mapping[str, Any], **kwargs: Any) -> None:
        """Calls the classifier's ``before_meta_test(meta_test_cfg)``."""
        self.module.before_meta_test(meta_test_cfg, **kwargs)

    def before_forward_support(self, **kwargs: Any) -> None:
        """Calls the classifier's ``before_forward_support()``."""
        self.module.before_forward_support(**kwargs)

    def before_forward_query(self, **kwargs: Any) -> None:
        """Calls the classifier's ``before_forward_query()``."""
        self.module.before_forward_query(**kwargs)


__all__ = ['MetaTestParallel', 'scatter_to_device']
