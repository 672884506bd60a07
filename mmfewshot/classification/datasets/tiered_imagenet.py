"""tiered-ImageNet for few-shot classification."""

from __future__ import annotations

import logging
import os
import os.path as osp
import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.logging import print_log

from mmfewshot.registry import DATASETS

from ._layout import DATA_DOC, as_subset_list, require_dir
from ._tiered_imagenet_classes import (
    TIERED_IMAGENET_TEST_CLASSES,
    TIERED_IMAGENET_TRAIN_CLASSES,
    TIERED_IMAGENET_VAL_CLASSES,
)
from .base import BaseFewShotDataset

UNZIP_SCRIPT = 'tools/data/classification/tiered-imagenet/unzip_tiered_imagenet.py'
_LABEL_KEYS = ('label_specific', 'label_general', 'label_specific_str', 'label_general_str')


def load_pickle(path: str) -> Any:
    """Loads a pickle, falling back to latin-1 strings for Python 2 pickles.

    Args:
        path: The pickle file. Only load files you trust: unpickling runs code.

    Returns:
        The unpickled object.
    """
    with open(path, 'rb') as f:
        try:
            return pickle.load(f)
        except UnicodeDecodeError:
            f.seek(0)
            return pickle.load(f, encoding='latin1')


def as_bytes(image: Any, path: str, index: int) -> bytes:
    """Encoded image ``index`` of the images pickle ``path`` as ``bytes``."""
    if isinstance(image, bytes | bytearray):
        return bytes(image)
    if isinstance(image, np.ndarray) and image.dtype == np.uint8:
        return image.tobytes()
    raise TypeError(
        f'item {index} of {path!r} is a {type(image).__name__}, not encoded image bytes; '
        'use the *_images_png.pkl files of the tiered-ImageNet release'
    )


@DATASETS.register_module()
class TieredImageNetDataset(BaseFewShotDataset):
    """tiered-ImageNet (Ren et al., ICLR 2018): 351/97/160 classes under 20/6/8 categories.

    Expects ``{data_prefix}/{subset}_labels.pkl``, a dict with
    ``label_specific`` and ``label_general`` (one index per image) and
    ``label_specific_str`` and ``label_general_str`` (the names those indices
    point to), plus the images in one of two forms:

    * ``{data_prefix}/{subset}/{subset}_image_{i}.byte``, one encoded image per
      file, as written by ``tools/data/classification/tiered-imagenet/
      unzip_tiered_imagenet.py``. Infos carry file paths; use
      ``LoadImageFromFile`` or ``LoadImageFromBytes``.
    * otherwise ``{data_prefix}/{subset}_images_png.pkl``, a list of encoded
      PNG images, kept in memory. Infos carry ``img_bytes``; the pipeline must
      start with ``LoadImageFromBytes``.

    The label of an image is the position of its specific class in
    :attr:`CLASSES`; its general category must agree with the published table.

    Args:
        subset: ``'train'``, ``'val'``, ``'test'`` or a list of them (all of them
            are loaded; classes and images are concatenated in that order).
        **kwargs: ``data_prefix``, ``pipeline``, ``classes`` and ``ann_file``
            of :class:`BaseFewShotDataset`.

    Examples:
        >>> dataset = TieredImageNetDataset(data_prefix='data/tiered_imagenet', subset='val',
        ...                                 pipeline=[dict(type='LoadImageFromBytes')])
    """

    TRAIN_CLASSES: Sequence[tuple[str, str]] = TIERED_IMAGENET_TRAIN_CLASSES
    VAL_CLASSES: Sequence[tuple[str, str]] = TIERED_IMAGENET_VAL_CLASSES
    TEST_CLASSES: Sequence[tuple[str, str]] = TIERED_IMAGENET_TEST_CLASSES
    CLASSES = tuple(
        name
        for name, _ in TIERED_IMAGENET_TRAIN_CLASSES
        + TIERED_IMAGENET_VAL_CLASSES
        + TIERED_IMAGENET_TEST_CLASSES
    )

    def __init__(self, subset: str | Sequence[str] = 'train', **kwargs: Any) -> None:
        self.subset = as_subset_list(subset)
        super().__init__(**kwargs)

    def _split_table(self, subset: str) -> Sequence[tuple[str, str]]:
        return {'train': self.TRAIN_CLASSES, 'val': self.VAL_CLASSES, 'test': self.TEST_CLASSES}[
            subset
        ]

    def get_classes(self, classes: str | Sequence[str] | None = None) -> list[str]:
        """The specific classes of the chosen subsets, or ``classes`` when given."""
        if classes is not None:
            return super().get_classes(classes)
        return [name for subset in self.subset for name, _ in self._split_table(subset)]

    def load_annotations(self) -> list[dict]:
        """Reads the label pickle of every chosen subset and attaches its images."""
        require_dir(
            self.data_prefix,
            'data_prefix',
            f'point it at the folder holding the tiered-ImageNet pickles (see {DATA_DOC})',
        )
        data_infos: list[dict] = []
        for subset in self.subset:  # every subset is kept, not only the last one
            data_infos += self._load_subset(subset)
        return data_infos

    def _read_labels(self, subset: str) -> tuple[list[str], list[str]]:
        """Specific and general class name of every image of ``subset``."""
        path = osp.join(self.data_prefix, f'{subset}_labels.pkl')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'label file {path!r} does not exist; put the {subset}_labels.pkl of the '
                f'tiered-ImageNet release in data_prefix (see {DATA_DOC})'
            )
        labels = load_pickle(path)
        missing = [key for key in _LABEL_KEYS if not isinstance(labels, dict) or key not in labels]
        if missing:
            raise KeyError(
                f'{path!r} lacks the key {missing[0]!r}; a tiered-ImageNet labels pickle is a dict '
                f'with keys {", ".join(_LABEL_KEYS)}'
            )
        names = {}
        for kind in ('specific', 'general'):
            indices = np.asarray(labels[f'label_{kind}']).reshape(-1)
            strings = list(labels[f'label_{kind}_str'])
            if len(indices) and (indices.min() < 0 or indices.max() >= len(strings)):
                raise ValueError(
                    f'label_{kind} of {path!r} holds indices up to {indices.max()}, but '
                    f'label_{kind}_str has {len(strings)} names; the pickle is inconsistent, '
                    'fetch it again'
                )
            names[kind] = [str(strings[i]) for i in indices]
        if len(names['specific']) != len(names['general']):
            raise ValueError(
                f'{path!r} has {len(names["specific"])} label_specific but '
                f'{len(names["general"])} label_general entries; they must have one per image, '
                'fetch the pickle again'
            )
        return names['specific'], names['general']

    def _load_subset(self, subset: str) -> list[dict]:
        label_path = osp.join(self.data_prefix, f'{subset}_labels.pkl')
        specifics, generals = self._read_labels(subset)
        general_of = dict(self._split_table(subset))
        class_to_idx = self.class_to_idx
        keep = []
        for i, (specific, general) in enumerate(zip(specifics, generals, strict=True)):
            if specific not in general_of:
                raise ValueError(
                    f'image {i} of {label_path!r} has class {specific!r}, which is not a '
                    f'tiered-ImageNet {subset} class; check that the file belongs to this subset'
                )
            if general_of[specific] != general:
                raise ValueError(
                    f'image {i} of {label_path!r} puts {specific!r} under {general!r}, but the '
                    f'published split puts it under {general_of[specific]!r}; fetch the pickle '
                    'again'
                )
            if specific in class_to_idx:  # user-given classes may leave some out
                keep.append((i, class_to_idx[specific]))
        unzip_dir = osp.join(self.data_prefix, subset)
        if osp.isdir(unzip_dir):
            return self._infos_from_files(subset, unzip_dir, keep)
        return self._infos_from_pickle(subset, len(specifics), keep)

    def _infos_from_files(
        self, subset: str, unzip_dir: str, keep: list[tuple[int, int]]
    ) -> list[dict]:
        with os.scandir(unzip_dir) as entries:
            present = {e.name for e in entries}
        infos = []
        for i, label in keep:
            filename = f'{subset}_image_{i}.byte'
            if filename not in present:
                raise FileNotFoundError(
                    f'{osp.join(unzip_dir, filename)!r} is missing; rerun {UNZIP_SCRIPT} '
                    f'--dir {self.data_prefix}, or delete {unzip_dir!r} to read the pickle'
                )
            infos.append(
                {
                    'img_prefix': unzip_dir,
                    'img_info': {'filename': filename},
                    'gt_label': np.int64(label),
                }
            )
        return infos

    def _infos_from_pickle(
        self, subset: str, num_labels: int, keep: list[tuple[int, int]]
    ) -> list[dict]:
        path = osp.join(self.data_prefix, f'{subset}_images_png.pkl')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'neither the image pickle {path!r} nor the unzipped folder '
                f'{osp.join(self.data_prefix, subset)!r} exists; put the {subset}_images_png.pkl '
                f'of the tiered-ImageNet release in data_prefix (see {DATA_DOC})'
            )
        print_log(
            f'TieredImageNetDataset: reading every {subset} image into memory from {path!r}; '
            f'run {UNZIP_SCRIPT} --dir {self.data_prefix} once to load them from files instead',
            logger='current',
            level=logging.WARNING,
        )
        images = load_pickle(path)
        if not isinstance(images, list | tuple) or len(images) != num_labels:
            count = len(images) if isinstance(images, list | tuple) else type(images).__name__
            raise ValueError(
                f'{path!r} holds {count} images but {subset}_labels.pkl has {num_labels} labels; '
                'both pickles must come from the same tiered-ImageNet subset'
            )
        return [
            {
                'img_prefix': None,
                'img_info': {'filename': f'{subset}_image_{i}.byte'},
                'img_bytes': as_bytes(images[i], path, i),
                'gt_label': np.int64(label),
            }
            for i, label in keep
        ]
