"""Base class of the few-shot classification datasets."""

from __future__ import annotations

import copy
import os.path as osp
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mmengine.logging import MMLogger
from torch.utils.data import Dataset

from mmfewshot.registry import DATASETS
from mmfewshot.transforms import Compose

from ._metrics import evaluate_scores


@DATASETS.register_module()
class BaseFewShotDataset(Dataset, metaclass=ABCMeta):
    """Base class of the few-shot classification datasets.

    A subclass implements :meth:`load_annotations`, which returns one dict per
    image: ``{'img_prefix': str | None, 'img_info': {'filename': str},
    'gt_label': np.int64}`` (optionally with ``'img_bytes'`` holding the encoded
    image). The label is the index of the image's class in :attr:`CLASSES`.

    Args:
        data_prefix: Root folder of the dataset.
        pipeline: Transform configs (or callables) run on each item, composed
            with :class:`mmfewshot.transforms.Compose`.
        classes: The classes to use: ``None`` for the dataset's predefined
            ones, a list/tuple of names, or the path of a text file with one
            class name per line.
        ann_file: Annotation file, for subclasses that read one.
    """

    CLASSES: Sequence[str] | None = None

    def __init__(
        self,
        data_prefix: str,
        pipeline: Sequence[dict | Callable],
        classes: str | Sequence[str] | None = None,
        ann_file: str | None = None,
    ) -> None:
        super().__init__()
        self.data_prefix = data_prefix
        self.ann_file = ann_file
        self.pipeline = Compose(pipeline)
        self.CLASSES = self.get_classes(classes)
        self.data_infos: list[dict] = self.load_annotations()
        self.data_infos_class_dict: dict[int, list[int]] = {i: [] for i in range(len(self.CLASSES))}
        for idx, info in enumerate(self.data_infos):
            label = int(info['gt_label'])
            assert label in self.data_infos_class_dict, f'label {label} outside CLASSES'
            self.data_infos_class_dict[label].append(idx)

    @abstractmethod
    def load_annotations(self) -> list[dict]:
        """Returns one info dict per image (see the class docstring)."""

    @property
    def class_to_idx(self) -> dict[str, int]:
        """Maps each class name to its label."""
        return {name: i for i, name in enumerate(self.CLASSES or [])}

    def get_classes(self, classes: str | Sequence[str] | None = None) -> list[str]:
        """Resolves the ``classes`` argument to a list of class names.

        Args:
            classes: ``None`` for the predefined :attr:`CLASSES`, a list/tuple
                of names, or the path of a text file with one name per line.

        Returns:
            The class names; a class's label is its position.
        """
        if classes is None:
            if self.CLASSES is None:
                raise ValueError(
                    f'{type(self).__name__} has no predefined CLASSES; pass classes= as a list '
                    'of names or the path of a text file with one name per line'
                )
            names = list(self.CLASSES)
        elif isinstance(classes, str):
            if not osp.isfile(classes):
                raise FileNotFoundError(
                    f'classes file {classes!r} does not exist; pass an existing text file '
                    'with one class name per line, or a list of names'
                )
            with open(classes, encoding='utf-8') as f:
                names = [line.strip() for line in f if line.strip()]
            if not names:
                raise ValueError(f'classes file {classes!r} is empty; write one name per line')
        elif isinstance(classes, list | tuple):
            names = [str(name) for name in classes]
        else:
            raise TypeError(
                f'classes must be None, a list/tuple of names or a file path, '
                f'got {type(classes).__name__}'
            )
        if not names:
            raise ValueError('classes is empty; name at least one class')
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f'classes lists {duplicates[0]!r} twice; list each class once')
        return names

    def get_gt_labels(self) -> np.ndarray:
        """Labels of all images, shape (len(self),), dtype int64."""
        return np.array([int(info['gt_label']) for info in self.data_infos], dtype=np.int64)

    def sample_shots_by_class_id(self, class_id: int, num_shots: int) -> np.ndarray:
        """Draws ``num_shots`` distinct image indices of one class.

        Draws from NumPy's global generator on purpose: the episodic wrappers
        wrap their sampling in ``local_numpy_seed(seed)``, which seeds and then
        restores that generator, so episodes are reproducible and other code's
        randomness is untouched.

        Args:
            class_id: Label of the class.
            num_shots: How many indices to draw, without replacement.

        Returns:
            Dataset indices, shape (num_shots,).
        """
        if class_id not in self.data_infos_class_dict:
            raise KeyError(
                f'class_id={class_id} is not a label of this dataset; '
                f'use a value in [0, {len(self.data_infos_class_dict)})'
            )
        indices = self.data_infos_class_dict[class_id]
        if num_shots > len(indices):
            name = self.CLASSES[class_id] if self.CLASSES else class_id
            raise ValueError(
                f'class {name!r} (id {class_id}) has {len(indices)} images, fewer than the '
                f'{num_shots} requested; lower num_shots + num_queries or add images'
            )
        return np.random.choice(indices, num_shots, replace=False)

    def __len__(self) -> int:
        return len(self.data_infos)

    def prepare_data(self, idx: int) -> Any:
        """Runs the pipeline on a copy of the ``idx``-th info dict."""
        return self.pipeline(copy.deepcopy(self.data_infos[idx]))

    def __getitem__(self, idx: int) -> Any:
        return self.prepare_data(idx)

    @staticmethod
    def evaluate(
        results: Sequence[Any],
        gt_labels: np.ndarray,
        metric: str | Sequence[str] = 'accuracy',
        metric_options: dict | None = None,
        logger: MMLogger | str | None = None,
    ) -> dict[str, Any]:
        """Evaluates per-sample scores with mmcls 0.x semantics.

        Accuracy, precision, recall and F1 are percentages. Without ``thrs``
        no score threshold applies; with ``thrs`` a hit only counts when its
        score is strictly larger than the threshold.

        Args:
            results: One score array per sample, each of shape (C,) or (1, C).
            gt_labels: True labels, shape (M,).
            metric: ``'accuracy'``, ``'precision'``, ``'recall'``,
                ``'f1_score'``, ``'support'`` or a list of them.
            metric_options: ``topk`` (int, or tuple giving
                ``accuracy_top-{k}`` keys; default 1), ``thrs`` (float, or tuple
                giving ``_thr_{thr:.2f}`` suffixes) and ``average_mode``
                (``'macro'`` or ``'none'``).
            logger: Unused; kept for the documented signature.

        Returns:
            Metric name to value (a float, or an array of shape (C,) for
            ``average_mode='none'``).
        """
        return evaluate_scores(results, gt_labels, metric, metric_options)
