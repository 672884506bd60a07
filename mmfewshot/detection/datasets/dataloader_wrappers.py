"""Dataloaders that iterate two loaders together (N-way K-shot and two-branch training).

Both wrappers are small and always used as a pair by
:func:`~mmfewshot.detection.datasets.build_dataloader`, so they share this
module (the original's module path).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from torch.utils.data import DataLoader


class _PairedLoader:
    """Zips a leading loader with a second one that restarts when exhausted."""

    def __init__(self, lead: DataLoader, other: DataLoader, keys: tuple[str, str]) -> None:
        self._lead = lead
        self._other = other
        self._keys = keys
        self._lead_iter: Iterator[Any] | None = None
        self._other_iter: Iterator[Any] | None = None

    @property
    def dataset(self) -> Any:
        """The dataset of the leading loader."""
        return self._lead.dataset

    @property
    def sampler(self) -> Any:
        """The sampler of the leading loader (``set_epoch`` is forwarded to both)."""
        return _EpochForwarder(self._lead.sampler, self._other.sampler)

    @property
    def batch_size(self) -> int | None:
        """Batch size of the leading loader."""
        return self._lead.batch_size

    def __len__(self) -> int:
        """Number of batches of the leading loader."""
        return len(self._lead)

    def __iter__(self) -> _PairedLoader:
        self._lead_iter = iter(self._lead)
        self._other_iter = iter(self._other)
        return self

    def __next__(self) -> dict[str, Any]:
        if self._lead_iter is None or self._other_iter is None:
            raise RuntimeError(f'{type(self).__name__}: call iter() on the loader before next()')
        lead = next(self._lead_iter)  # StopIteration ends the epoch
        try:
            other = next(self._other_iter)
        except StopIteration:
            self._other_iter = iter(self._other)
            other = next(self._other_iter)
        return {self._keys[0]: lead, self._keys[1]: other}


class _EpochForwarder:
    """Looks like the lead sampler; ``set_epoch`` reaches both samplers."""

    def __init__(self, lead: Any, other: Any) -> None:
        self._lead = lead
        self._other = other

    def set_epoch(self, epoch: int) -> None:
        for sampler in (self._lead, self._other):
            if hasattr(sampler, 'set_epoch'):
                sampler.set_epoch(epoch)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lead, name)

    def __len__(self) -> int:
        return len(self._lead)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._lead)


class NWayKShotDataloader(_PairedLoader):
    """Yields ``{'query_data': batch, 'support_data': batch}`` from two loaders.

    The query loader iterates an :class:`NWayKShotDataset` in query mode; the
    support loader iterates a copy of it in support mode, whose items are
    whole support batches (``num_support_ways * num_support_shots``
    instances). One pass is one pass of the query loader; the support loader
    restarts whenever it runs out first.

    Args:
        query_data_loader: Loader of query batches.
        support_data_loader: Loader of support batches.
    """

    def __init__(self, query_data_loader: DataLoader, support_data_loader: DataLoader) -> None:
        super().__init__(query_data_loader, support_data_loader, ('query_data', 'support_data'))
        self.query_data_loader = query_data_loader
        self.support_data_loader = support_data_loader


class TwoBranchDataloader(_PairedLoader):
    """Yields ``{'main_data': batch, 'auxiliary_data': batch}`` from two loaders (MPSR).

    One pass is one pass of the main loader; the auxiliary loader restarts
    whenever it runs out first. (The original restarted the main loader too,
    so its iterator never ended and could not be used epoch by epoch; with the
    usual infinite samplers both behave the same.)

    Args:
        main_data_loader: Loader of the main branch.
        auxiliary_data_loader: Loader of the auxiliary branch.
    """

    def __init__(self, main_data_loader: DataLoader, auxiliary_data_loader: DataLoader) -> None:
        super().__init__(main_data_loader, auxiliary_data_loader, ('main_data', 'auxiliary_data'))
        self.main_data_loader = main_data_loader
        self.auxiliary_data_loader = auxiliary_data_loader


__all__ = ['NWayKShotDataloader', 'TwoBranchDataloader']
