"""Glyphs: the embedded synthetic few-shot classification benchmark."""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Sequence
from typing import Any

from mmengine.logging import print_log

from mmfewshot.registry import DATASETS

from ._layout import read_split_csv
from .base import BaseFewShotDataset
from .mini_imagenet import MiniImageNetDataset


@DATASETS.register_module()
class GlyphsDataset(MiniImageNetDataset):
    """Characters rendered from matplotlib's DejaVu fonts, in the mini-ImageNet layout.

    A class is one character; train, val and test classes come from disjoint
    scripts (see ``mmfewshot.classification.datasets.glyphs_generator``). The
    data live in ``{data_prefix}/images/`` with ``{data_prefix}/{subset}.csv``
    rows ``<class>/<file>.png,<class>`` and are read by the mini-ImageNet CSV
    loader, except that file names are used as they are and the classes are
    the labels found in the CSVs, in order of first appearance.

    When ``data_prefix`` does not exist (or is an empty folder) and
    ``generate_if_missing`` is true, the benchmark is generated there first
    (deterministic for the seed).

    Args:
        data_prefix: Root folder of the benchmark.
        subset: ``'train'``, ``'val'``, ``'test'`` or a list of them.
        generate_if_missing: Whether to generate the benchmark when
            ``data_prefix`` does not exist.
        generator_kwargs: Extra keyword arguments of ``generate_glyphs`` (e.g.
            ``seed``), used only when generating.
        **kwargs: ``pipeline``, ``classes`` and ``ann_file`` of
            :class:`BaseFewShotDataset`.

    Examples:
        >>> dataset = GlyphsDataset(data_prefix='data/glyphs', subset='test',
        ...                         pipeline=[dict(type='LoadImageFromFile')])
    """

    CLASSES = None
    DATASET_NAME = 'Glyphs'

    def __init__(
        self,
        data_prefix: str = 'data/glyphs',
        subset: str | Sequence[str] = 'train',
        generate_if_missing: bool = True,
        generator_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.generate_if_missing = generate_if_missing
        self.generator_kwargs = dict(generator_kwargs or {})
        if not osp.exists(data_prefix) or (osp.isdir(data_prefix) and not os.listdir(data_prefix)):
            if not generate_if_missing:
                raise FileNotFoundError(
                    f'data_prefix {data_prefix!r} does not exist; generate the benchmark with '
                    f'tools/data/classification/generate_glyphs.py --out-dir {data_prefix} or '
                    'pass generate_if_missing=True'
                )
            self._generate(data_prefix)
        kwargs.pop('file_format', None)
        super().__init__(subset=subset, file_format='png', data_prefix=data_prefix, **kwargs)

    def _generate(self, data_prefix: str) -> None:
        # Imported on first use only: the generator pulls in matplotlib's font machinery.
        from .glyphs_generator import generate_glyphs

        print_log(
            f'GlyphsDataset: {data_prefix!r} does not exist; generating the Glyphs benchmark '
            'there (once)',
            logger='current',
        )
        generate_glyphs(data_prefix, **self.generator_kwargs)

    def get_classes(self, classes: str | Sequence[str] | None = None) -> list[str]:
        """The labels of the chosen subsets' CSVs, or ``classes`` when given."""
        if classes is not None:
            return BaseFewShotDataset.get_classes(self, classes)
        names: dict[str, None] = {}
        for subset in self.subset:
            csv_path = osp.join(self.data_prefix, f'{subset}.csv')
            for _, _, label in read_split_csv(csv_path):
                names.setdefault(label, None)
        if not names:
            raise ValueError(
                f'the {"/".join(self.subset)} CSVs under {self.data_prefix!r} list no images; '
                'delete the folder to regenerate the benchmark'
            )
        return list(names)

    def resolve_image(self, csv_path: str, line: int, filename: str, label: str) -> str:
        """Returns ``filename`` after checking that ``images/{filename}`` exists."""
        if not osp.isfile(osp.join(self.image_root, filename)):
            raise FileNotFoundError(
                f'line {line} of {csv_path!r} names {filename!r}, but '
                f'{osp.join(self.image_root, filename)!r} does not exist; delete '
                f'{self.data_prefix!r} to regenerate the benchmark'
            )
        return filename
