"""mini-ImageNet for few-shot classification."""

from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any

import numpy as np

from mmfewshot.registry import DATASETS

from ._class_lists import (
    MINI_IMAGENET_TEST_CLASSES,
    MINI_IMAGENET_TRAIN_CLASSES,
    MINI_IMAGENET_VAL_CLASSES,
)
from ._layout import DATA_DOC, as_subset_list, list_files, read_split_csv, require_dir
from .base import BaseFewShotDataset


@DATASETS.register_module()
class MiniImageNetDataset(BaseFewShotDataset):
    """mini-ImageNet (Vinyals et al., 2016) with the Ravi & Larochelle 64/16/20 class split.

    Expects ``{data_prefix}/images/`` and ``{data_prefix}/{train,val,test}.csv``.
    Each CSV starts with the header ``filename,label``; each row names an
    image and its wnid, e.g. ``n0153282900000005.jpg,n01532829``. A row is
    resolved in one of two ways:

    * ``images/{filename}`` exists (the widely shared pre-resized copy): that
      file is used;
    * otherwise the digits after the wnid are a 1-based index into the files of
      the class folder ``images/{wnid}/`` whose extension is ``file_format``,
      sorted by the integer after the last ``_`` (raw ImageNet names such as
      ``n01532829_10045.JPEG``).

    Args:
        subset: ``'train'``, ``'val'``, ``'test'`` or a list of them (their
            classes and images are concatenated in that order).
        file_format: Extension (without the dot, case-insensitive) of the
            images in the class folders.
        **kwargs: ``data_prefix``, ``pipeline``, ``classes`` and ``ann_file``
            of :class:`BaseFewShotDataset`.

    Examples:
        >>> dataset = MiniImageNetDataset(data_prefix='data/mini_imagenet', subset='test',
        ...                               pipeline=[dict(type='LoadImageFromFile')])
    """

    TRAIN_CLASSES: Sequence[str] = MINI_IMAGENET_TRAIN_CLASSES
    VAL_CLASSES: Sequence[str] = MINI_IMAGENET_VAL_CLASSES
    TEST_CLASSES: Sequence[str] = MINI_IMAGENET_TEST_CLASSES
    CLASSES: Sequence[str] | None = (
        MINI_IMAGENET_TRAIN_CLASSES + MINI_IMAGENET_VAL_CLASSES + MINI_IMAGENET_TEST_CLASSES
    )
    DATASET_NAME = 'mini-ImageNet'

    def __init__(
        self, subset: str | Sequence[str] = 'train', file_format: str = 'JPEG', **kwargs: Any
    ) -> None:
        self.subset = as_subset_list(subset)
        if not isinstance(file_format, str) or not file_format.strip('.'):
            raise ValueError(
                f"file_format={file_format!r} is invalid; give the image extension, e.g. 'JPEG'"
            )
        self.file_format = file_format.strip('.')
        self._user_classes = kwargs.get('classes') is not None
        self._listing_cache: dict[str, list[str]] = {}
        super().__init__(**kwargs)

    def get_classes(self, classes: str | Sequence[str] | None = None) -> list[str]:
        """The classes of the chosen subsets, or ``classes`` when given."""
        if classes is not None:
            return super().get_classes(classes)
        split = {'train': self.TRAIN_CLASSES, 'val': self.VAL_CLASSES, 'test': self.TEST_CLASSES}
        return [name for subset in self.subset for name in split[subset]]

    @property
    def image_root(self) -> str:
        """The folder that holds the images, ``{data_prefix}/images``."""
        return osp.join(self.data_prefix, 'images')

    def load_annotations(self) -> list[dict]:
        """Reads ``{subset}.csv`` of every chosen subset and resolves its rows."""
        fix = f'point data_prefix at the folder holding images/ and the split CSVs (see {DATA_DOC})'
        require_dir(self.data_prefix, 'data_prefix', fix)
        require_dir(self.image_root, f'{self.DATASET_NAME} image folder', fix)
        class_to_idx = self.class_to_idx
        data_infos = []
        for subset in self.subset:
            csv_path = osp.join(self.data_prefix, f'{subset}.csv')
            for line, filename, label in read_split_csv(csv_path):
                if label not in class_to_idx:
                    if self._user_classes:
                        continue
                    raise ValueError(
                        f'line {line} of {csv_path!r} has label {label!r}, which is not a '
                        f'{self.DATASET_NAME} {"/".join(self.subset)} class; fix the CSV or '
                        'pass the classes to use with classes=[...]'
                    )
                path = self.resolve_image(csv_path, line, filename, label)
                data_infos.append(
                    {
                        'img_prefix': self.image_root,
                        'img_info': {'filename': path},
                        'gt_label': np.int64(class_to_idx[label]),
                    }
                )
        self._listing_cache.clear()
        return data_infos

    def resolve_image(self, csv_path: str, line: int, filename: str, label: str) -> str:
        """Maps one CSV row to the image's path relative to :attr:`image_root`.

        Args:
            csv_path: The CSV file, for error messages.
            line: The row's line number, for error messages.
            filename: The row's file name.
            label: The row's class (wnid).

        Returns:
            The path of the image relative to :attr:`image_root`.
        """
        if osp.isfile(osp.join(self.image_root, filename)):
            return filename
        where = f'line {line} of {csv_path!r} names {filename!r}'
        folder = osp.join(self.image_root, label)
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'{where}, but neither {osp.join(self.image_root, filename)!r} nor the class '
                f'folder {folder!r} exists; put the images under {self.image_root!r} '
                f'(see {DATA_DOC})'
            )
        stem = osp.splitext(filename)[0]
        digits = stem[len(label) :] if stem.startswith(label) else ''
        if not digits.isdigit():
            raise ValueError(
                f'{where}, which is not a file in images/ nor "<wnid><image number>.jpg"; '
                'fix the row or put the file in images/'
            )
        number = int(digits)
        listing = self._class_listing(folder, label)
        if not 1 <= number <= len(listing):
            raise FileNotFoundError(
                f'{where} (image {number} of class {label}), but {folder!r} holds only '
                f'{len(listing)} *.{self.file_format} files; restore the missing images'
            )
        return f'{label}/{listing[number - 1]}'

    def _class_listing(self, folder: str, label: str) -> list[str]:
        if label in self._listing_cache:
            return self._listing_cache[label]
        files = list_files(folder, ('.' + self.file_format.lower(),))
        if not files:
            raise FileNotFoundError(
                f'class folder {folder!r} has no *.{self.file_format} images; set file_format '
                'to the extension of your images or restore them'
            )

        def image_number(name: str) -> int:
            tail = osp.splitext(name)[0].rsplit('_', 1)[-1]
            if '_' not in name or not tail.isdigit():
                raise ValueError(
                    f'{osp.join(folder, name)!r} is not named "<wnid>_<number>.{self.file_format}"'
                    '; rename it or move it out of the class folder'
                )
            return int(tail)

        self._listing_cache[label] = sorted(files, key=image_number)
        return self._listing_cache[label]
