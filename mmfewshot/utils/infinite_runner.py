"""``InfiniteEpochBasedRunner``: epoch-based training that keeps one dataloader iterator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import DataLoader

from mmfewshot.registry import LOOPS, RUNNERS


@RUNNERS.register_module()
@LOOPS.register_module()
class InfiniteEpochBasedRunner(EpochBasedTrainLoop):
    """Epoch-based training over a dataloader whose sampler never ends.

    With ``InfiniteSampler`` (``use_infinite_sampler=True``) a dataloader
    iterator never raises ``StopIteration``, and creating a new one every epoch
    would restart the stream and its workers. This loop creates the iterator
    once and draws ``len(dataloader)`` batches per epoch from it, as the 0.x
    runner of the same name did; hooks see ordinary epochs.

    In mmengine a run's training behaviour is its train loop, so this class is
    an :class:`mmengine.runner.EpochBasedTrainLoop`, registered both in
    ``LOOPS`` (``train_cfg=dict(type='InfiniteEpochBasedRunner', max_epochs=N)``)
    and in ``RUNNERS`` under its 0.x name; the engine maps
    ``runner=dict(type='InfiniteEpochBasedRunner', max_epochs=N)`` (or an
    ``EpochBasedRunner`` with ``use_infinite_sampler=True``) onto it.

    Args:
        runner: The mmengine runner.
        dataloader: The training dataloader (or its config).
        max_epochs: Number of epochs.
        val_begin: First epoch of mmengine's own validation loop, if any.
        val_interval: Interval of mmengine's own validation loop, if any.
        dynamic_intervals: See :class:`~mmengine.runner.EpochBasedTrainLoop`.
    """

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        max_epochs: int,
        val_begin: int = 1,
        val_interval: int = 1,
        dynamic_intervals: list[tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(
            runner, dataloader, max_epochs, val_begin=val_begin, val_interval=val_interval,
            dynamic_intervals=dynamic_intervals,
        )  # fmt: skip
        self._data_iterator: Iterator | None = None

    def run_epoch(self) -> None:
        """Runs ``len(dataloader)`` iterations drawn from the one persistent iterator."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        if self._data_iterator is None:
            self._data_iterator = iter(self.dataloader)
        for idx in range(len(self.dataloader)):
            data_batch = next(self._data_iterator)
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1


__all__ = ['InfiniteEpochBasedRunner']
