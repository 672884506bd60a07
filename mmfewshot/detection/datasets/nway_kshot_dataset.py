"""N-way K-shot wrapper: query images, or pre-drawn support batches (Meta R-CNN, FSDetView)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from mmfewshot.registry import DATASETS

from ._worker_rng import WorkerRNG
from ._wrapper_utils import (
    DetectionDatasetLike,
    check_no_empty_class,
    check_positive,
    check_ways,
    dataset_labels,
    tagged_path,
)
from .utils import dump_json_atomic

SupportIndex = tuple[int, int]


@DATASETS.register_module()
class NWayKShotDataset:
    """Serves query images, or support batches of N ways x K shots.

    In ``'query'`` mode (the default) an item is one image through the
    ``'query'`` pipeline. :meth:`convert_query_to_support` switches a copy of
    the wrapper to ``'support'`` mode, where item ``i`` is a pre-drawn batch of
    ``num_support_ways * num_support_shots`` instances (a list of dicts from the
    ``'support'`` pipeline), so the support DataLoader uses batch size 1.
    :class:`~mmfewshot.detection.datasets.NWayKShotDataloader` zips the two.
    Kang et al., "Few-shot Object Detection via Feature Reweighting", ICCV 2019.

    The support pool of each class holds its first ``num_used_support_shots``
    instances in dataset order (one per image at most with
    ``one_support_shot_per_image``); a class with fewer than
    ``num_support_shots`` instances has its pool repeated. Batches draw
    ``num_support_ways`` distinct classes and, per class, ``num_support_shots``
    distinct pool entries, from a local generator seeded with ``seed``.

    Note:
        The original's builder passed ``num_used_support_shots=None`` (use all)
        when the config omitted it, while the class defaulted to 200. Here the
        class default (200) holds in both places; set ``None`` to use every
        instance.

    Args:
        query_dataset: Dataset with ``'query'`` and ``'support'`` pipelines.
        support_dataset: Dataset the supports come from; ``None`` uses ``query_dataset``.
        num_support_ways: Number of classes per support batch.
        num_support_shots: Number of instances per class in a support batch.
        one_support_shot_per_image: Take at most one instance per image into the pools.
        num_used_support_shots: Size cap of each class's support pool; ``None``
            means no cap.
        repeat_times: In query mode the wrapper is this many times longer than
            the query dataset.
        seed: Seed of the batch sampling; ``None`` derives one from ``torch.initial_seed()``.

    Raises:
        ValueError: When ``num_support_ways`` exceeds the number of classes or a
            class has no support instance.
    """

    def __init__(
        self,
        query_dataset: DetectionDatasetLike,
        support_dataset: DetectionDatasetLike | None,
        num_support_ways: int,
        num_support_shots: int,
        one_support_shot_per_image: bool = False,
        num_used_support_shots: int | None = 200,
        repeat_times: int = 1,
        seed: int | None = None,
    ) -> None:
        self.query_dataset = query_dataset
        self.support_dataset = query_dataset if support_dataset is None else support_dataset
        self.CLASSES = list(query_dataset.CLASSES)
        self.num_support_ways = check_positive('num_support_ways', num_support_ways)
        self.num_support_shots = check_positive('num_support_shots', num_support_shots)
        self.repeat_times = check_positive('repeat_times', repeat_times)
        if num_used_support_shots is not None:
            check_positive('num_used_support_shots', num_used_support_shots)
        self.num_used_support_shots = num_used_support_shots
        self.one_support_shot_per_image = bool(one_support_shot_per_image)
        check_ways(self.num_support_ways, self.CLASSES, type(self).__name__)
        self._rng = WorkerRNG(seed)
        self._mode = 'query'
        self._ori_len = len(query_dataset)
        self.batch_indices: list[list[SupportIndex]] = []
        self.prepare_support_shots()
        # Group sampling is pointless here: a group may hold two or three images.
        self.flag = np.zeros(len(self), dtype=np.uint8)

    @property
    def mode(self) -> str:
        """``'query'`` or ``'support'``."""
        return self._mode

    def prepare_support_shots(self) -> None:
        """Fills ``data_infos_by_class``: class id -> pool of ``(idx, gt_idx)``."""
        cap = self.num_used_support_shots
        pools: dict[int, list[SupportIndex]] = {c: [] for c in range(len(self.CLASSES))}
        for idx in range(len(self.support_dataset)):
            for gt_idx, label in enumerate(dataset_labels(self.support_dataset, idx).tolist()):
                if cap is not None and len(pools[label]) >= cap:
                    continue
                pools[label].append((idx, gt_idx))
                if self.one_support_shot_per_image:
                    break
        check_no_empty_class(
            [len(pools[c]) for c in pools],
            self.CLASSES,
            type(self).__name__,
            self.num_support_ways,
            self.num_support_shots,
        )
        for c, pool in pools.items():
            if len(pool) < self.num_support_shots:
                pools[c] = pool * (self.num_support_shots // len(pool) + 1)
        self.data_infos_by_class = pools

    def __len__(self) -> int:
        """Query mode: query length x ``repeat_times``; support mode: number of batches."""
        if self._mode == 'query':
            return self._ori_len * self.repeat_times
        return len(self.batch_indices)

    def __getitem__(self, idx: int) -> Any:
        """One query item (dict), or one support batch (list of W*K dicts)."""
        if self._mode == 'query':
            return self.query_dataset.prepare_train_img(int(idx) % self._ori_len, 'query')
        return [
            self.support_dataset.prepare_train_img(s_idx, 'support', [gt_idx])
            for s_idx, gt_idx in self.batch_indices[idx]
        ]

    def convert_query_to_support(self, support_dataset_len: int) -> None:
        """Switches to support mode with ``support_dataset_len`` freshly drawn batches."""
        self.batch_indices = self.generate_support_batch_indices(support_dataset_len)
        self._mode = 'support'
        self.flag = np.zeros(support_dataset_len, dtype=np.uint8)

    def generate_support_batch_indices(self, dataset_len: int) -> list[list[SupportIndex]]:
        """Draws ``dataset_len`` support batches.

        Args:
            dataset_len: Number of batches.

        Returns:
            ``dataset_len`` lists of ``num_support_ways * num_support_shots``
            pairs ``(support idx, gt idx)``, grouped by class.
        """
        if dataset_len < 0:
            raise ValueError(f'dataset_len={dataset_len} must be non-negative')
        rng = self._rng.generator
        batches = []
        for _ in range(dataset_len):
            batch: list[SupportIndex] = []
            for class_id in rng.choice(len(self.CLASSES), self.num_support_ways, replace=False):
                pool = self.data_infos_by_class[int(class_id)]
                for pos in rng.choice(len(pool), self.num_support_shots, replace=False):
                    batch.append(pool[int(pos)])
            batches.append(batch)
        return batches

    def save_data_infos(self, output_path: str) -> None:
        """Saves the query infos to ``output_path`` and the support pools beside it.

        The support file is ``{stem}.support_shot{ext}``.
        """
        self.query_dataset.save_data_infos(output_path)
        self.save_support_data_infos(tagged_path(output_path, 'support_shot'))

    def save_support_data_infos(self, support_output_path: str) -> None:
        """Writes the support pools as a saved-dataset json (meta first), atomically."""
        meta = {
            'CLASSES': list(self.CLASSES),
            'img_prefix': getattr(self.support_dataset, 'img_prefix', None),
        }
        dump_json_atomic([meta, *self.get_support_data_infos()], support_output_path, indent=4)

    def get_support_data_infos(self) -> list[dict]:
        """Returns one info per distinct pool entry, holding only that instance's box and label.

        Entries repeated to pad a small pool are written once.
        """
        entries = [e for c in sorted(self.data_infos_by_class) for e in self.data_infos_by_class[c]]
        return [self._get_shot_data_info(idx, gt_idx) for idx, gt_idx in dict.fromkeys(entries)]

    def _get_shot_data_info(self, idx: int, gt_idx: int) -> dict:
        info = copy.deepcopy(self.support_dataset.data_infos[idx])  # type: ignore[attr-defined]
        ann = info['ann']
        ann['bboxes'] = np.asarray(ann['bboxes'])[gt_idx : gt_idx + 1]
        ann['labels'] = np.asarray(ann['labels'])[gt_idx : gt_idx + 1]
        return info
