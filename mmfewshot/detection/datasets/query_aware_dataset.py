"""Query-aware wrapper: one query image plus supports chosen from its classes (Attention-RPN)."""

from __future__ import annotations

import copy
import warnings
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
    fill_shots,
    image_key,
    tagged_path,
)

SupportIndex = tuple[int, int]


@DATASETS.register_module()
class QueryAwareDataset:
    """Pairs every query image with a support set sampled from its own classes.

    Each item is one query image (``'query'`` pipeline) and
    ``num_support_ways * num_support_shots`` support instances (``'support'``
    pipeline). One class present in the query image is drawn as the positive
    class (weighted by its number of instances); the query's boxes are reduced
    to that class and the first ``num_support_shots`` supports are instances of
    it, taken from other images when the class has more than one image. The
    other ``num_support_ways - 1`` ways are negative classes that do NOT occur
    in the query image. Fan et al., "Few-Shot Object Detection with
    Attention-RPN and Multi-Relation Detector", CVPR 2020.

    Randomness comes from a local generator seeded with ``seed`` (each
    DataLoader worker gets its own stream derived from it), so two wrappers
    with the same seed return the same items in the same order.

    When a class has fewer instances than ``num_support_shots`` (outside the
    query image), instances are repeated and a warning is raised at build time.

    Args:
        query_dataset: Dataset of query images, with a ``'query'`` and a
            ``'support'`` entry in its ``multi_pipelines``.
        support_dataset: Dataset the support instances come from; ``None`` uses
            ``query_dataset``.
        num_support_ways: Number of support classes per item, the positive one
            included.
        num_support_shots: Number of support instances per class.
        repeat_times: The wrapper is this many times longer than the query dataset.
        seed: Seed of the sampling; ``None`` derives one from ``torch.initial_seed()``.

    Raises:
        ValueError: When ``num_support_ways`` exceeds the number of classes, a
            class has no support instance, or no query image leaves
            ``num_support_ways - 1`` classes absent from it.
    """

    def __init__(
        self,
        query_dataset: DetectionDatasetLike,
        support_dataset: DetectionDatasetLike | None,
        num_support_ways: int,
        num_support_shots: int,
        repeat_times: int = 1,
        seed: int | None = None,
    ) -> None:
        self.query_dataset = query_dataset
        self.support_dataset = query_dataset if support_dataset is None else support_dataset
        self.num_support_ways = check_positive('num_support_ways', num_support_ways)
        self.num_support_shots = check_positive('num_support_shots', num_support_shots)
        self.repeat_times = check_positive('repeat_times', repeat_times)
        self.CLASSES = list(query_dataset.CLASSES)
        check_ways(self.num_support_ways, self.CLASSES, type(self).__name__)
        self._rng = WorkerRNG(seed)
        self._ori_len = len(query_dataset)
        self._index_support()
        self._index_queries()
        # Group sampling is pointless here: a group may hold two or three images.
        self.flag = np.zeros(len(self), dtype=np.uint8)

    def _index_support(self) -> None:
        """Builds the per-class list of support instances ``(idx, gt_idx)``."""
        num_classes = len(self.CLASSES)
        self.data_infos_by_class: dict[int, list[SupportIndex]] = {
            c: [] for c in range(num_classes)
        }
        self.num_image_by_class = [0] * num_classes
        self.max_anns_num_one_image = [0] * num_classes
        self._support_by_image: dict[str | int, set[int]] = {}
        for idx in range(len(self.support_dataset)):
            labels = dataset_labels(self.support_dataset, idx)
            self._support_by_image.setdefault(image_key(self.support_dataset, idx), set()).add(idx)
            for gt_idx, label in enumerate(labels.tolist()):
                self.data_infos_by_class[label].append((idx, gt_idx))
            for label, count in zip(*np.unique(labels, return_counts=True), strict=True):
                self.num_image_by_class[int(label)] += 1
                self.max_anns_num_one_image[int(label)] = max(
                    self.max_anns_num_one_image[int(label)], int(count)
                )
        counts = [len(self.data_infos_by_class[c]) for c in range(num_classes)]
        check_no_empty_class(
            counts, self.CLASSES, type(self).__name__, self.num_support_ways, self.num_support_shots
        )
        few = [
            self.CLASSES[c]
            for c in range(num_classes)
            if counts[c] - self.max_anns_num_one_image[c] < self.num_support_shots
        ]
        if few:
            warnings.warn(
                f'classes {few} may have fewer support instances outside a query image than '
                f'num_support_shots={self.num_support_shots}; some supports will repeat',
                stacklevel=3,
            )
        single = [self.CLASSES[c] for c in range(num_classes) if self.num_image_by_class[c] == 1]
        if single:
            warnings.warn(
                f'classes {single} occur in one image only; their query and positive '
                'supports will come from the same image',
                stacklevel=3,
            )

    def _index_queries(self) -> None:
        """Finds the query images with a gt and enough absent (negative) classes."""
        num_classes = len(self.CLASSES)
        self._query_labels = [dataset_labels(self.query_dataset, i) for i in range(self._ori_len)]
        self._valid_queries = [
            i
            for i, labels in enumerate(self._query_labels)
            if labels.size > 0 and num_classes - len(np.unique(labels)) >= self.num_support_ways - 1
        ]
        self._valid_set = set(self._valid_queries)
        if not self._valid_queries:
            raise ValueError(
                f'{type(self).__name__}: no query image has a gt box and leaves '
                f'num_support_ways - 1 = {self.num_support_ways - 1} of the {num_classes} '
                'classes absent from it; lower num_support_ways or add images'
            )

    def __len__(self) -> int:
        """Length of the query dataset times ``repeat_times``."""
        return self._ori_len * self.repeat_times

    def __getitem__(self, idx: int) -> dict[str, Any]:
        """Returns ``{'query_data': dict, 'support_data': list of W*K dicts}``.

        ``query_data`` also holds ``'query_class': [positive class id]``.
        """
        rng = self._rng.generator
        idx = int(idx) % self._ori_len
        if idx not in self._valid_set:
            idx = int(rng.choice(self._valid_queries))
        labels = self._query_labels[idx]
        query_class = int(rng.choice(labels))
        query_gt_idx = [i for i, label in enumerate(labels.tolist()) if label == query_class]
        query_data = self.query_dataset.prepare_train_img(idx, 'query', query_gt_idx)
        query_data['query_class'] = [query_class]
        present = set(labels.tolist())
        absent = [c for c in range(len(self.CLASSES)) if c not in present]
        negatives = rng.choice(absent, self.num_support_ways - 1, replace=False)
        support_idxes = self.generate_support(idx, query_class, [int(c) for c in negatives])
        support_data = [
            self.support_dataset.prepare_train_img(s_idx, 'support', [gt_idx])
            for s_idx, gt_idx in support_idxes
        ]
        return {'query_data': query_data, 'support_data': support_data}

    def generate_support(
        self, idx: int, query_class: int, support_classes: list[int]
    ) -> list[SupportIndex]:
        """Samples the support instances of one query image.

        Args:
            idx: Index of the query image in the query dataset.
            query_class: The positive class id.
            support_classes: The negative class ids (absent from the query image).

        Returns:
            ``(num_support_ways * num_support_shots)`` pairs ``(support idx,
            gt idx)``: first the positive class's shots, then each negative's.
        """
        allow_same = self.num_image_by_class[query_class] == 1
        support = self.sample_support_shots(idx, query_class, allow_same_image=allow_same)
        for class_id in support_classes:
            support.extend(self.sample_support_shots(idx, class_id))
        return support

    def sample_support_shots(
        self, idx: int, class_id: int, allow_same_image: bool = False
    ) -> list[SupportIndex]:
        """Samples ``num_support_shots`` instances of one class.

        Instances are distinct while the class has enough of them; otherwise
        they repeat as evenly as possible.

        Args:
            idx: Index of the query image in the query dataset.
            class_id: Class of the instances.
            allow_same_image: Whether instances of the query image itself may
                be used. Without it they are excluded, unless the class has no
                instance elsewhere.

        Returns:
            ``num_support_shots`` pairs ``(support idx, gt idx)``.
        """
        candidates = self.data_infos_by_class[class_id]
        if not allow_same_image:
            same = self._support_by_image.get(image_key(self.query_dataset, idx), set())
            others = [c for c in candidates if c[0] not in same]
            if others:
                candidates = others
        picked = fill_shots(self._rng.generator, len(candidates), self.num_support_shots)
        return [candidates[p] for p in picked]

    def save_data_infos(self, output_path: str) -> None:
        """Saves the query infos to ``output_path`` and the support infos beside it.

        The support file is ``{stem}.support_shot{ext}``.
        """
        self.query_dataset.save_data_infos(output_path)
        self.support_dataset.save_data_infos(tagged_path(output_path, 'support_shot'))

    def get_support_data_infos(self) -> list[dict]:
        """Returns a deep copy of the support dataset's ``data_infos``."""
        return copy.deepcopy(list(self.support_dataset.data_infos))  # type: ignore[attr-defined]
