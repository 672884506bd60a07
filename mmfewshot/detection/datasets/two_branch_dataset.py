"""Two-branch wrapper: main images and auxiliary instance crops (MPSR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mmfewshot.registry import DATASETS

from ._wrapper_utils import DetectionDatasetLike, image_key, tagged_path


@DATASETS.register_module()
class TwoBranchDataset:
    """Serves the main branch's images or the auxiliary branch's instances.

    In ``'main'`` mode (the default) an item is one image through the
    ``'main'`` pipeline; :meth:`convert_main_to_auxiliary` switches a copy of
    the wrapper to ``'auxiliary'`` mode, where an item comes from the auxiliary
    dataset (usually instance-wise) through the ``'auxiliary'`` pipeline.
    :class:`~mmfewshot.detection.datasets.TwoBranchDataloader` iterates both.
    Wu et al., "Multi-Scale Positive Sample Refinement for Few-Shot Object
    Detection", ECCV 2020.

    With ``reweight_dataset`` the sampling follows MPSR's VOC reweighting: the
    main images are grouped by ``'VOC2007'``/``'VOC2012'`` in their filename,
    the auxiliary ones by ``'VOC'``, and every group of fewer than 50 items is
    repeated ``int(100 / len(group)) + 1`` times (see :meth:`reweight_dataset`).

    Args:
        main_dataset: Dataset with a ``'main'`` pipeline.
        auxiliary_dataset: Dataset with an ``'auxiliary'`` pipeline.
        reweight_dataset: Whether to apply the VOC07/12 reweighting.

    Raises:
        ValueError: When a dataset is missing, or ``reweight_dataset`` is set and
            a filename contains none of the group names.
    """

    def __init__(
        self,
        main_dataset: DetectionDatasetLike | None = None,
        auxiliary_dataset: DetectionDatasetLike | None = None,
        reweight_dataset: bool = False,
    ) -> None:
        if main_dataset is None or auxiliary_dataset is None:
            missing = 'main_dataset' if main_dataset is None else 'auxiliary_dataset'
            raise ValueError(
                f'TwoBranchDataset needs both datasets but {missing} is None; set '
                '`dataset` and `auxiliary_dataset` in the config'
            )
        self._mode = 'main'
        self.main_dataset = main_dataset
        self.auxiliary_dataset = auxiliary_dataset
        self.CLASSES = list(main_dataset.CLASSES)
        if reweight_dataset:
            self.main_idx_map = self.reweight_dataset(main_dataset, ['VOC2007', 'VOC2012'])
            self.auxiliary_idx_map = self.reweight_dataset(auxiliary_dataset, ['VOC'])
        else:
            self.main_idx_map = list(range(len(main_dataset)))
            self.auxiliary_idx_map = list(range(len(auxiliary_dataset)))
        self._set_group_flag()

    @property
    def mode(self) -> str:
        """``'main'`` or ``'auxiliary'``."""
        return self._mode

    def __len__(self) -> int:
        """Length of the (reweighted) index map of the current mode."""
        if self._mode == 'main':
            return len(self.main_idx_map)
        return len(self.auxiliary_idx_map)

    def __getitem__(self, idx: int) -> Any:
        """One item of the current mode's dataset through that mode's pipeline."""
        if self._mode == 'main':
            real = self.main_idx_map[int(idx) % len(self.main_idx_map)]
            return self.main_dataset.prepare_train_img(real, 'main')
        real = self.auxiliary_idx_map[int(idx) % len(self.auxiliary_idx_map)]
        return self.auxiliary_dataset.prepare_train_img(real, 'auxiliary')

    def convert_main_to_auxiliary(self) -> None:
        """Switches to auxiliary mode."""
        self._mode = 'auxiliary'
        self._set_group_flag()

    def save_data_infos(self, output_path: str) -> None:
        """Saves the main infos to ``output_path`` and the auxiliary ones beside it.

        The auxiliary file is ``{stem}.auxiliary{ext}``.
        """
        self.main_dataset.save_data_infos(output_path)
        self.auxiliary_dataset.save_data_infos(tagged_path(output_path, 'auxiliary'))

    def _set_group_flag(self) -> None:
        # A single group: in few-shot settings a group may hold two or three images.
        self.flag = np.zeros(len(self), dtype=np.uint8)

    @staticmethod
    def reweight_dataset(
        dataset: DetectionDatasetLike, group_prefix: Sequence[str], repeat_length: int = 100
    ) -> list[int]:
        """Builds an index map that oversamples small groups.

        Args:
            dataset: Dataset whose ``data_infos`` have a ``'filename'``.
            group_prefix: Substrings of the filename naming the groups; an
                item belongs to the first one it contains.
            repeat_length: A group of fewer than 50 items is repeated
                ``int(repeat_length / len(group)) + 1`` times.

        Returns:
            Dataset indices, group by group.

        Raises:
            ValueError: When a filename contains none of ``group_prefix``.
        """
        groups: list[list[int]] = [[] for _ in group_prefix]
        for i in range(len(dataset)):
            name = str(image_key(dataset, i))
            for j, prefix in enumerate(group_prefix):
                if prefix in name:
                    groups[j].append(i)
                    break
            else:
                raise ValueError(
                    f'reweight_dataset=True groups images by {list(group_prefix)} in their '
                    f"filename, but '{name}' contains none of them; set reweight_dataset=False"
                )
        index_map: list[int] = []
        for group in groups:
            if 0 < len(group) < 50:
                index_map += group * (int(repeat_length / len(group)) + 1)
            else:
                index_map += group
        return index_map
