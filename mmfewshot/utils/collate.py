"""Batch collation with mmcv 1.x semantics, aware of :class:`DataContainer`.

:func:`collate` turns a list of samples (dicts produced by a pipeline) into one
batch. Plain tensors, arrays and numbers go through
:func:`torch.utils.data.default_collate`; dicts and sequences recurse; a field
wrapped in a :class:`DataContainer` is split into chunks of ``samples_per_gpu``
samples (one chunk per device) and each chunk is

* kept as a list of payloads when ``cpu_only`` (e.g. ``img_metas``),
* padded on its last ``pad_dims`` dimensions to the largest size of the chunk and
  stacked when ``stack`` (e.g. detection images),
* kept as a list of payloads otherwise (e.g. ``gt_bboxes``).

The result of a container field is a :class:`DataContainer` whose ``data`` is the
list of chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import default_collate

from .data_container import DataContainer


def _pad_to(sample: DataContainer, max_shape: list[int]) -> torch.Tensor:
    """Pads a tensor on its right/bottom so its trailing dims reach ``max_shape``.

    ``max_shape[d - 1]`` is the target size of dimension ``-d``.
    """
    pad = [0] * (2 * len(max_shape))
    for d in range(1, len(max_shape) + 1):
        pad[2 * d - 1] = max_shape[d - 1] - sample.size(-d)
    return F.pad(sample.data, pad, value=sample.padding_value)


def _stack_chunk(chunk: Sequence[DataContainer]) -> torch.Tensor:
    """Pads (if asked) and stacks the tensors of one chunk, shape (B, ...)."""
    first = chunk[0]
    for sample in chunk:
        if not isinstance(sample.data, torch.Tensor):
            raise TypeError(
                f'DataContainer(stack=True) needs tensor payloads, got '
                f'{type(sample.data).__name__}; wrap it with stack=False or convert it to a tensor'
            )
    pad_dims = first.pad_dims
    if pad_dims is None:
        return default_collate([sample.data for sample in chunk])
    ndim = first.dim()
    if ndim <= pad_dims:
        raise ValueError(
            f'cannot pad the last {pad_dims} dims of a {ndim}-dim tensor; '
            f'use pad_dims<{ndim} (or None) in its DataContainer'
        )
    max_shape = [first.size(-d) for d in range(1, pad_dims + 1)]
    for sample in chunk:
        if sample.size()[: ndim - pad_dims] != first.size()[: ndim - pad_dims]:
            raise ValueError(
                f'stacked tensors must agree on their leading {ndim - pad_dims} dims, got '
                f'{tuple(first.size())} and {tuple(sample.size())}; '
                'raise pad_dims or make the shapes match'
            )
        for d in range(1, pad_dims + 1):
            max_shape[d - 1] = max(max_shape[d - 1], sample.size(-d))
    return default_collate([_pad_to(sample, max_shape) for sample in chunk])


def _collate_containers(batch: Sequence[DataContainer], samples_per_gpu: int) -> DataContainer:
    """Collates a list of containers into one container holding per-device chunks."""
    first = batch[0]
    chunks = [batch[i : i + samples_per_gpu] for i in range(0, len(batch), samples_per_gpu)]
    data: list[Any]
    if first.cpu_only:
        data = [[sample.data for sample in chunk] for chunk in chunks]
        return DataContainer(data, first.stack, first.padding_value, cpu_only=True)
    if first.stack:
        data = [_stack_chunk(chunk) for chunk in chunks]
    else:
        data = [[sample.data for sample in chunk] for chunk in chunks]
    return DataContainer(data, first.stack, first.padding_value)


def _check(batch: Any, samples_per_gpu: int, fn: str) -> None:
    if not isinstance(batch, Sequence) or isinstance(batch, str | bytes):
        raise TypeError(
            f'{fn} expects a list of samples, got {type(batch).__name__}; '
            'pass the list the DataLoader hands to collate_fn'
        )
    if samples_per_gpu < 1:
        raise ValueError(f'{fn} got samples_per_gpu={samples_per_gpu}; it must be >= 1')


def _is_plain_sequence(obj: Any) -> bool:
    return isinstance(obj, Sequence) and not isinstance(obj, str | bytes)


def _dispatch(
    batch: Sequence[Any], samples_per_gpu: int, recurse: Callable[[Sequence[Any], int], Any]
) -> Any:
    first = batch[0]
    if isinstance(first, DataContainer):
        return _collate_containers(batch, samples_per_gpu)
    if isinstance(first, Mapping):
        return {key: recurse([d[key] for d in batch], samples_per_gpu) for key in first}
    return default_collate(list(batch))


def collate(batch: Sequence[Any], samples_per_gpu: int = 1) -> Any:
    """Collates a list of samples into a batch (mmcv 1.x ``collate``).

    Args:
        batch: Samples, e.g. the dicts a pipeline returns, one per item of the
            batch (length ``B``).
        samples_per_gpu: Number of samples per device; DataContainer fields are
            split into ``ceil(B / samples_per_gpu)`` chunks of this size.

    Returns:
        The batch with the structure of one sample: dicts and sequences are
        collated field by field, tensors/arrays/numbers are stacked to shape
        ``(B, ...)`` and DataContainer fields become DataContainers of chunks.

    Examples:
        >>> import torch
        >>> a = DataContainer(torch.ones(1, 2, 2), stack=True)
        >>> b = DataContainer(torch.ones(1, 3, 1), stack=True)
        >>> collate([{'img': a}, {'img': b}], samples_per_gpu=2)['img'].data[0].shape
        torch.Size([2, 1, 3, 2])
    """
    _check(batch, samples_per_gpu, 'collate')
    if len(batch) > 0 and _is_plain_sequence(batch[0]):
        return [collate(list(samples), samples_per_gpu) for samples in zip(*batch, strict=True)]
    if len(batch) == 0:
        return default_collate(list(batch))
    return _dispatch(batch, samples_per_gpu, collate)


def multi_pipeline_collate_fn(batch: Sequence[Any], samples_per_gpu: int = 1) -> Any:
    """Collates samples that hold lists of pipeline outputs (episodes, query-support pairs).

    Unlike :func:`collate`, a list of lists is flattened instead of transposed:
    a field holding ``L`` pipeline outputs per sample becomes ``B * L`` items
    collated with ``L * samples_per_gpu`` items per device. E.g. with
    ``batch = [{'support_data': [s1, s2], 'query_data': [q1]}, ...]`` the
    ``support_data`` images of all samples end up in one stacked tensor.

    Args:
        batch: Samples, each a dict (possibly with list values) or a list of
            dicts, length ``B``.
        samples_per_gpu: Number of samples per device.

    Returns:
        The collated batch; list-of-dict fields become one collated dict.
    """
    _check(batch, samples_per_gpu, 'multi_pipeline_collate_fn')
    if len(batch) == 0:
        return default_collate(list(batch))
    if _is_plain_sequence(batch[0]):
        per_sample = len(batch[0])
        if per_sample == 0:
            return []
        flat: list[Any] = []
        for sample in batch:
            if not _is_plain_sequence(sample):
                raise TypeError(
                    'multi_pipeline_collate_fn got a batch mixing lists and '
                    f'{type(sample).__name__}; every sample must have the same structure'
                )
            flat.extend(sample)
        return multi_pipeline_collate_fn(flat, per_sample * samples_per_gpu)
    return _dispatch(batch, samples_per_gpu, multi_pipeline_collate_fn)


__all__ = ['collate', 'multi_pipeline_collate_fn']
