"""Model-side data preprocessor that unwraps collated :class:`DataContainer` fields."""

from __future__ import annotations

from typing import Any

from mmengine.model import BaseDataPreprocessor

from mmfewshot.registry import MODELS

from .data_container import DataContainer


@MODELS.register_module()
class FewShotDataPreprocessor(BaseDataPreprocessor):
    """Turns a batch from :func:`~mmfewshot.utils.collate` into model inputs on the model's device.

    A collated :class:`DataContainer` holds one chunk per device; each process
    of an mmengine run drives one device, so the preprocessor replaces the
    container by its single chunk (chunk 0):

    * ``cpu_only`` fields (``img_metas``) become a plain list of their payloads
      (e.g. a list of ``B`` meta dicts) and stay on the CPU;
    * stacked fields (detection ``img``) become one tensor, shape ``(B, C, H, W)``,
      moved to the model's device;
    * other fields (``gt_bboxes``, ``gt_labels``) become a list of ``B`` tensors
      on the model's device.

    Tensors outside containers (e.g. a classification ``img`` stacked by the
    default collate) are moved to the device; dicts and lists are processed
    recursively, so episodic batches (``support_data``/``query_data`` dicts)
    work too.

    Args:
        non_blocking: Whether host-to-device copies are non-blocking.

    Examples:
        >>> import torch
        >>> from mmfewshot.utils import DataContainer, collate
        >>> batch = collate([{'img': DataContainer(torch.zeros(3, 4, 4), stack=True)}] * 2, 2)
        >>> FewShotDataPreprocessor()(batch)['img'].shape
        torch.Size([2, 3, 4, 4])
    """

    def __init__(self, non_blocking: bool = False) -> None:
        super().__init__(non_blocking=non_blocking)

    def cast_data(self, data: Any) -> Any:
        """Unwraps containers (chunk 0) and moves tensors to :attr:`device`, recursively.

        Args:
            data: A collated batch (dict, list, tensor or DataContainer).

        Returns:
            The same structure with every DataContainer replaced by its
            payload and every non-``cpu_only`` tensor on the model's device.

        Raises:
            TypeError: If a DataContainer was not collated (its data is not a
                list of chunks).
            ValueError: If a DataContainer holds more than one chunk.
        """
        if isinstance(data, DataContainer):
            payload = _single_chunk(data)
            return payload if data.cpu_only else self.cast_data(payload)
        # mmengine's cast_data recurses through self.cast_data, so containers
        # nested in dicts, lists and tuples are unwrapped too.
        return super().cast_data(data)

    def forward(self, data: Any, training: bool = False) -> Any:
        """Returns :meth:`cast_data` of ``data``; ``training`` changes nothing here.

        Args:
            data: A collated batch, usually a dict of fields.
            training: Whether the batch is for training (unused).

        Returns:
            The unwrapped batch on the model's device.
        """
        return self.cast_data(data)


def _single_chunk(container: DataContainer) -> Any:
    chunks = container.data
    if not isinstance(chunks, list):
        raise TypeError(
            f'FewShotDataPreprocessor got an uncollated DataContainer holding '
            f'{type(chunks).__name__}; batch samples with mmfewshot.utils.collate '
            '(the collate_fn of build_dataloader) before the model'
        )
    if len(chunks) != 1:
        raise ValueError(
            f'FewShotDataPreprocessor got a DataContainer with {len(chunks)} device chunks; '
            'one process drives one device, so build the dataloader with num_gpus=1 '
            '(or collate with samples_per_gpu equal to the batch size)'
        )
    return chunks[0]


__all__ = ['FewShotDataPreprocessor']
