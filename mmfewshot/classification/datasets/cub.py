"""CUB-200-2011 for few-shot classification."""

from __future__ import annotations

import logging
import os.path as osp
from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.logging import print_log

from mmfewshot.registry import DATASETS

from ._class_lists import CUB_CLASSES
from ._layout import DATA_DOC, as_subset_list, list_files, require_dir
from .base import BaseFewShotDataset

_IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')
# Position of the split's classes in the (optionally shuffled) class order.
_SPLIT_RULES = {
    'train': lambda i: i % 2 == 0,
    'val': lambda i: i % 4 == 1,
    'test': lambda i: i % 4 == 3,
}


def cub_split_classes(subset: str, classes_id_seed: int | None = None) -> list[str]:
    """The CUB classes of one subset (100 train, 50 val, 50 test).

    Class ``i`` of the class order goes to train if ``i % 2 == 0``, to val if
    ``i % 4 == 1`` and to test if ``i % 4 == 3`` (the Baseline++ split). The
    order is the folder order, or ``RandomState(classes_id_seed).permutation``
    of it when a seed is given.

    Args:
        subset: ``'train'``, ``'val'`` or ``'test'``.
        classes_id_seed: Seed of the class-order shuffle; ``None`` keeps the
            folder order.

    Returns:
        The class folder names of the subset, in class order.
    """
    order = list(range(len(CUB_CLASSES)))
    if classes_id_seed is not None:
        order = [int(i) for i in np.random.RandomState(classes_id_seed).permutation(len(order))]
    keep = _SPLIT_RULES[as_subset_list(subset)[0]]
    return [CUB_CLASSES[class_id] for i, class_id in enumerate(order) if keep(i)]


@DATASETS.register_module()
class CUBDataset(BaseFewShotDataset):
    """Caltech-UCSD Birds-200-2011 (Wah et al., 2011) split for few-shot learning.

    Expects ``{data_prefix}/images/NNN.Class_Name/*.jpg`` with ``data_prefix``
    pointing at the ``CUB_200_2011`` folder. The 200 classes are split by their
    position in the class order into 100 train, 50 val and 50 test classes
    (see :func:`cub_split_classes`); the label of an image is the position of
    its class in :attr:`CLASSES`. No annotation file is read.

    Args:
        classes_id_seed: Seed of an optional shuffle of the class order before
            the split; ``None`` keeps the folder order.
        subset: ``'train'``, ``'val'``, ``'test'`` or a list of them (their
            classes are concatenated in that order).
        **kwargs: ``data_prefix``, ``pipeline``, ``classes`` and ``ann_file``
            of :class:`BaseFewShotDataset`.

    Examples:
        >>> dataset = CUBDataset(data_prefix='data/CUB_200_2011', subset='val',
        ...                      pipeline=[dict(type='LoadImageFromFile')])
    """

    CLASSES = CUB_CLASSES

    def __init__(
        self,
        classes_id_seed: int | None = None,
        subset: str | Sequence[str] = 'train',
        **kwargs: Any,
    ) -> None:
        self.subset = as_subset_list(subset)
        self.classes_id_seed = classes_id_seed
        super().__init__(**kwargs)

    def get_classes(self, classes: str | Sequence[str] | None = None) -> list[str]:
        """The classes of the chosen subsets, or ``classes`` when given."""
        if classes is not None:
            return super().get_classes(classes)
        names: list[str] = []
        for subset in self.subset:
            names += cub_split_classes(subset, self.classes_id_seed)
        return names

    def load_annotations(self) -> list[dict]:
        """Lists the images of every class folder in :attr:`CLASSES`."""
        fix = f'point data_prefix at the CUB_200_2011 folder (see {DATA_DOC})'
        require_dir(self.data_prefix, 'data_prefix', fix)
        image_root = osp.join(self.data_prefix, 'images')
        require_dir(image_root, 'CUB image folder', fix)
        data_infos = []
        missing = []
        for label, name in enumerate(self.CLASSES or []):
            folder = osp.join(image_root, name)
            if not osp.isdir(folder):
                missing.append(name)
                continue
            files = list_files(folder, _IMAGE_EXTENSIONS)
            if not files:
                raise FileNotFoundError(
                    f'class folder {folder!r} has no images ({", ".join(_IMAGE_EXTENSIONS)}); '
                    'restore its images from the CUB_200_2011 archive'
                )
            for filename in files:
                data_infos.append(
                    {
                        'img_prefix': image_root,
                        'img_info': {'filename': f'{name}/{filename}'},
                        'gt_label': np.int64(label),
                    }
                )
        if len(missing) == len(self.CLASSES or []):
            raise FileNotFoundError(
                f'none of the {len(missing)} class folders of subset {self.subset} '
                f'(e.g. {missing[0]!r}) is in {image_root!r}; {fix}'
            )
        if missing:
            print_log(
                f'CUBDataset: {len(missing)} of {len(self.CLASSES or [])} class folders are '
                f'missing under {image_root!r} (e.g. {missing[0]!r}); those classes have no '
                'images',
                logger='current',
                level=logging.WARNING,
            )
        return data_infos
