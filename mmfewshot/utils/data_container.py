"""A light wrapper telling :func:`~mmfewshot.utils.collate` how to batch one field.

The 0.x pipelines (mmcls ``Collect``, mmdet ``DefaultFormatBundle``) wrap fields in
a ``DataContainer`` so that the collate function knows whether to stack them
(padding images of different sizes), keep them as a list (boxes, labels) or keep
them on the CPU (image meta dicts).
"""

from __future__ import annotations

from typing import Any

import torch

_VALID_PAD_DIMS = (None, 1, 2, 3)


class DataContainer:
    """One data field together with its batching rules (mmcv 1.x semantics).

    Args:
        data: The payload: a tensor, an array, a dict, a list, ... After
            collation it is a list with one chunk per device.
        stack: Whether the collate function stacks the payloads of one chunk
            into a single tensor (padding them to a common size first).
        padding_value: Value used to pad stacked tensors.
        cpu_only: Whether the payload stays on the CPU (e.g. image meta
            dicts); such fields are never stacked and never moved to a device.
        pad_dims: How many trailing dimensions are padded before stacking:
            ``1``, ``2`` (e.g. ``H, W`` of a ``(C, H, W)`` image), ``3``, or
            ``None`` to stack without padding (all sizes must then agree).

    Examples:
        >>> import torch
        >>> dc = DataContainer(torch.zeros(3, 4, 5), stack=True)
        >>> dc.size(), dc.dim(), dc.pad_dims
        (torch.Size([3, 4, 5]), 3, 2)
    """

    def __init__(
        self,
        data: Any,
        stack: bool = False,
        padding_value: float = 0,
        cpu_only: bool = False,
        pad_dims: int | None = 2,
    ) -> None:
        if pad_dims not in _VALID_PAD_DIMS:
            raise ValueError(f'DataContainer got pad_dims={pad_dims!r}; use one of None, 1, 2 or 3')
        self._data = data
        self._stack = stack
        self._padding_value = padding_value
        self._cpu_only = cpu_only
        self._pad_dims = pad_dims

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self._data!r})'

    @property
    def data(self) -> Any:
        """The wrapped payload."""
        return self._data

    @property
    def datatype(self) -> str | type:
        """The tensor type string (e.g. ``'torch.FloatTensor'``) or the payload's type."""
        if isinstance(self._data, torch.Tensor):
            return self._data.type()
        return type(self._data)

    @property
    def cpu_only(self) -> bool:
        """Whether the payload stays on the CPU."""
        return self._cpu_only

    @property
    def stack(self) -> bool:
        """Whether collation stacks the payloads of a chunk."""
        return self._stack

    @property
    def padding_value(self) -> float:
        """The value used to pad stacked tensors."""
        return self._padding_value

    @property
    def pad_dims(self) -> int | None:
        """How many trailing dimensions are padded before stacking."""
        return self._pad_dims

    def size(self, *args: int) -> Any:
        """Size of the wrapped tensor, as :meth:`torch.Tensor.size`.

        Raises:
            AttributeError: If the payload is not a tensor.
        """
        return self._tensor('size').size(*args)

    def dim(self) -> int:
        """Number of dimensions of the wrapped tensor.

        Raises:
            AttributeError: If the payload is not a tensor.
        """
        return int(self._tensor('dim').dim())

    def _tensor(self, method: str) -> torch.Tensor:
        if not isinstance(self._data, torch.Tensor):
            raise AttributeError(
                f'DataContainer.{method}() needs a tensor payload, got '
                f'{type(self._data).__name__}; convert the field to a tensor first '
                '(e.g. with ToTensor/ImageToTensor in the pipeline)'
            )
        return self._data


__all__ = ['DataContainer']
