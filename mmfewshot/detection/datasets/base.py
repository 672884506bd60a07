"""Base class of the few-shot detection datasets (annotation configs, shot filters, saving)."""

from __future__ import annotations

import copy
import os.path as osp
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from mmengine.logging import print_log
from terminaltables import AsciiTable
from torch.utils.data import Dataset

from mmfewshot.registry import DATASETS
from mmfewshot.transforms import Compose

from ._ann_io import load_middle_format, load_saved_infos, resolve_classes, split_suffix
from ._ann_ops import (
    apply_shot_filter,
    count_instances,
    make_ann,
    merge_infos,
    move_small_boxes_to_ignore,
    split_instances,
    valid_image_indices,
)
from .utils import dump_json_atomic

_ANN_CFG_TYPES = ('ann_file', 'saved_dataset')
_MAX_RESAMPLE = 1000


@DATASETS.register_module(name='BaseFewShotDetDataset')
class BaseFewShotDataset(Dataset):
    """Few-shot detection dataset: several annotation files, shot caps, saving and reloading.

    Items are mmdet-2.x results dicts: ``img_info`` (``id``, ``filename``,
    ``width``, ``height``, ``ann``), ``ann_info`` (``bboxes`` (n, 4) float32
    x1y1x2y2, ``labels`` (n,) int64, ``bboxes_ignore`` (m, 4), ``labels_ignore``
    (m,)), ``img_prefix`` and the empty ``*_fields`` lists, passed through
    ``pipeline`` (or one of ``multi_pipelines``).

    ``ann_cfg`` lists the annotation sources; the infos of one image coming
    from several sources (e.g. one split file per class) are merged into one.
    Each entry is ``dict(type='ann_file', ann_file=..., ann_classes=[...])``
    (``ann_classes`` keeps only the objects of those classes) or
    ``dict(type='saved_dataset', ann_file=...)`` (a file written by
    :meth:`save_data_infos`). This base class reads annotation files in the
    mmdet "middle format" (a JSON or pickle list of infos); the VOC and COCO
    subclasses read their own formats. It is registered as
    ``BaseFewShotDetDataset`` (``BaseFewShotDataset`` is the classification one).

    At training time (``test_mode=False``), in this order: boxes smaller than
    ``min_bbox_size`` move to the ignore fields, images without boxes
    (``filter_empty_gt``) or with a side under 32 pixels are dropped, then
    ``ann_shot_filter`` keeps at most ``n`` instances per listed class (drawn
    with a local generator seeded by ``shot_filter_seed``). ``instance_wise``
    then gives one item per instance. Each step builds new infos: loaded or
    copied infos are never modified.

    Args:
        ann_cfg: Annotation sources, see above.
        classes: Class names, a predefined split name (see ``SPLIT``) or a
            text file with one class per line.
        pipeline: Transform configs of the single pipeline.
        multi_pipelines: Named pipelines, e.g. ``{'query': [...], 'support':
            [...]}``, selected by ``pipeline_key`` in :meth:`prepare_train_img`.
        data_root: Folder prepended to the relative ``ann_file``,
            ``img_prefix``, ``seg_prefix`` and ``proposal_file``.
        img_prefix: Folder of the image files (put in every results dict).
        seg_prefix: Folder of segmentation maps.
        proposal_file: Pickle/JSON list of per-image proposal arrays, in the
            order of the loaded images.
        test_mode: Build for testing: no filtering, items without annotations.
        filter_empty_gt: Drop training images without boxes.
        min_bbox_size: Boxes whose width or height is smaller move to ignore.
        ann_shot_filter: Class name -> maximum number of instances kept.
        instance_wise: One item per instance instead of one per image.
        dataset_name: Name used in logs and ``repr``.
        shot_filter_seed: Seed of the ``ann_shot_filter`` sampling.
    """

    CLASSES: list[str]  # set per instance; a subclass may give a default tuple
    SPLIT: Mapping[str, Sequence[str]] = {}

    def __init__(
        self,
        ann_cfg: list[dict],
        classes: str | Sequence[str] | None,
        pipeline: list[dict | Callable] | None = None,
        multi_pipelines: dict[str, list[dict | Callable]] | None = None,
        data_root: str | None = None,
        img_prefix: str = '',
        seg_prefix: str | None = None,
        proposal_file: str | None = None,
        test_mode: bool = False,
        filter_empty_gt: bool = True,
        min_bbox_size: float | None = None,
        ann_shot_filter: dict[str, int] | None = None,
        instance_wise: bool = False,
        dataset_name: str | None = None,
        shot_filter_seed: int = 0,
    ) -> None:
        self.data_root = data_root
        self.img_prefix = self._join_root(img_prefix)
        self.seg_prefix = self._join_root(seg_prefix)
        self.proposal_file = self._join_root(proposal_file)
        self.test_mode = test_mode
        self.filter_empty_gt = filter_empty_gt
        self.min_bbox_size = min_bbox_size
        self.instance_wise = instance_wise
        self.shot_filter_seed = int(shot_filter_seed)
        if dataset_name is None:
            dataset_name = 'Test dataset' if test_mode else 'Train dataset'
        self.dataset_name = dataset_name
        self.CLASSES = self.get_classes(classes)
        self.cat2label = {name: i for i, name in enumerate(self.CLASSES)}
        self.ann_shot_filter = self._check_shot_filter(ann_shot_filter)
        self.ann_cfg = copy.deepcopy(ann_cfg)
        infos = merge_infos(self.ann_cfg_parser(self.ann_cfg))
        proposals = self._load_proposals(len(infos))
        if not test_mode:
            if min_bbox_size:
                infos = move_small_boxes_to_ignore(infos, float(min_bbox_size))
            keep = valid_image_indices(infos, filter_empty_gt)
            infos = [infos[i] for i in keep]
            if proposals is not None:
                proposals = [proposals[i] for i in keep]
            if self.ann_shot_filter:
                if proposals is not None:
                    raise ValueError(
                        'ann_shot_filter cannot be combined with proposal_file (images may be '
                        'dropped); remove one of them'
                    )
                shots = {self.cat2label[k]: v for k, v in self.ann_shot_filter.items()}
                infos = apply_shot_filter(infos, shots, self.CLASSES, self.shot_filter_seed)
        if instance_wise:
            if proposals is not None:
                raise ValueError('instance_wise cannot be combined with proposal_file')
            infos = split_instances(infos)
        self.data_infos: list[dict] = infos
        self.proposals = proposals
        self.flag = np.zeros(len(self), dtype=np.uint8)
        self.pipeline: Callable | None = None
        self.multi_pipelines: dict[str, Callable] | None = None
        self._build_pipelines(pipeline, multi_pipelines)
        print_log(
            f'{self.dataset_name}: {len(self)} items, '
            f'{int(count_instances(self.data_infos, len(self.CLASSES)).sum())} instances',
            logger='current',
        )

    # ----------------------------------------------------------------- setup
    def _join_root(self, path: str | None) -> str | None:
        if path is None or self.data_root is None or osp.isabs(path):
            return path
        return osp.join(self.data_root, path)

    @classmethod
    def get_classes(cls, classes: str | Sequence[str] | None = None) -> list[str]:
        """Resolves ``classes`` (names, a split name or a text file) to a list of names.

        Raises:
            KeyError: When a string is neither a split name nor an existing file.
            ValueError: When no classes are given or names repeat.
        """
        return resolve_classes(cls.__name__, classes, getattr(cls, 'CLASSES', None), cls.SPLIT)

    @classmethod
    def split_suffix(cls, classes: Any) -> str | None:
        """The suffix of a split name: ``'_SPLIT1'`` for ``'ALL_CLASSES_SPLIT1'``.

        ``''`` for ``'BASE_CLASSES'``; ``None`` when ``classes`` is not a split
        name with BASE and NOVEL parts.
        """
        return split_suffix(classes, cls.SPLIT)

    @classmethod
    def shot_filter_from_split(
        cls,
        classes: Any,
        num_novel_shots: int | None,
        num_base_shots: int | None,
        ann_shot_filter: dict[str, int] | None,
    ) -> dict[str, int] | None:
        """Turns ``num_novel_shots``/``num_base_shots`` into an ``ann_shot_filter``.

        Raises:
            ValueError: When both forms are given, or ``classes`` is not a split name.
        """
        if num_novel_shots is None and num_base_shots is None:
            return ann_shot_filter
        if ann_shot_filter is not None:
            raise ValueError(
                'give either ann_shot_filter or num_novel_shots/num_base_shots, not both'
            )
        suffix = split_suffix(classes, cls.SPLIT)
        if suffix is None:
            raise ValueError(
                f'num_novel_shots/num_base_shots need classes to be a split name (one of '
                f'{sorted(cls.SPLIT)}), got {classes!r}; use ann_shot_filter with a class list'
            )
        names = set(cls.SPLIT[classes])
        out: dict[str, int] = {}
        for group, shots in (('NOVEL', num_novel_shots), ('BASE', num_base_shots)):
            if shots is not None:
                out.update({c: shots for c in cls.SPLIT[f'{group}_CLASSES{suffix}'] if c in names})
        return out

    def _check_class_names(self, names: Sequence[str], what: str) -> None:
        for name in names:
            if name not in self.cat2label:
                raise ValueError(
                    f'{what} names class {name!r}, which is not in classes {list(self.CLASSES)}; '
                    'fix the name or add the class to `classes`'
                )

    def _check_shot_filter(self, ann_shot_filter: dict[str, int] | None) -> dict[str, int] | None:
        if ann_shot_filter is None:
            return None
        if not isinstance(ann_shot_filter, Mapping):
            raise TypeError(
                f'ann_shot_filter must be a dict of class name -> number of shots, got '
                f'{type(ann_shot_filter).__name__}'
            )
        self._check_class_names(list(ann_shot_filter), 'ann_shot_filter')
        for name, shots in ann_shot_filter.items():
            if isinstance(shots, bool) or not isinstance(shots, (int, np.integer)) or shots < 0:
                raise ValueError(
                    f'ann_shot_filter[{name!r}]={shots!r} must be a non-negative integer'
                )
        return dict(ann_shot_filter)

    def _build_pipelines(
        self,
        pipeline: list[dict | Callable] | None,
        multi_pipelines: dict[str, list[dict | Callable]] | None,
    ) -> None:
        if pipeline is not None and multi_pipelines is not None:
            raise ValueError('give either pipeline or multi_pipelines, not both')
        if pipeline is None and multi_pipelines is None:
            return
        if multi_pipelines is not None:
            if not isinstance(multi_pipelines, Mapping):
                raise TypeError(
                    'multi_pipelines must be a dict of name -> pipeline list, e.g. '
                    'dict(query=[...], support=[...])'
                )
            self.multi_pipelines = {key: Compose(p) for key, p in multi_pipelines.items()}
        else:
            self.pipeline = Compose(pipeline)  # type: ignore[arg-type]

    def _load_proposals(self, num_infos: int) -> list | None:
        if self.proposal_file is None:
            return None
        if not osp.isfile(self.proposal_file):
            raise FileNotFoundError(
                f'proposal_file {self.proposal_file!r} does not exist; fix the path or '
                'set proposal_file=None'
            )
        import mmengine

        proposals = mmengine.load(self.proposal_file)
        if len(proposals) != num_infos:
            raise ValueError(
                f'proposal_file {self.proposal_file!r} has {len(proposals)} entries for '
                f'{num_infos} images; give one proposal array per image, in ann_file order'
            )
        return list(proposals)

    # ------------------------------------------------------------ annotations
    def ann_cfg_parser(self, ann_cfg: list[dict]) -> list[dict]:
        """Checks ``ann_cfg``, joins ``data_root`` and loads every entry.

        Args:
            ann_cfg: Annotation sources (modified in place: ``data_root`` is joined).

        Returns:
            Data infos of all entries, in order, not yet merged.
        """
        if not isinstance(ann_cfg, list) or not ann_cfg:
            raise TypeError(
                'ann_cfg must be a non-empty list of dicts such as '
                "[dict(type='ann_file', ann_file='path/to/file')]"
            )
        for i, entry in enumerate(ann_cfg):
            if not isinstance(entry, dict) or 'ann_file' not in entry:
                raise TypeError(
                    f"ann_cfg[{i}] must be a dict with an 'ann_file' key, got {entry!r}"
                )
            ann_type = entry.get('type', 'ann_file')
            if ann_type not in _ANN_CFG_TYPES:
                raise ValueError(
                    f'ann_cfg[{i}] has type={ann_type!r}; use one of {list(_ANN_CFG_TYPES)}'
                )
            entry['ann_file'] = self._join_root(entry['ann_file'])
            if not osp.isfile(entry['ann_file']):
                raise FileNotFoundError(
                    f"annotation file '{entry['ann_file']}' (ann_cfg[{i}]) does not exist; "
                    'fix ann_file, data_root or ann_root'
                )
            if entry.get('ann_classes') is not None:
                self._check_class_names(entry['ann_classes'], f'ann_cfg[{i}].ann_classes')
        return self.load_annotations(ann_cfg)

    def load_annotations(self, ann_cfg: list[dict]) -> list[dict]:
        """Loads every checked ``ann_cfg`` entry and concatenates their infos."""
        infos: list[dict] = []
        for entry in ann_cfg:
            if entry.get('type', 'ann_file') == 'saved_dataset':
                infos += self.load_annotations_saved(entry['ann_file'])
            else:
                infos += self.load_ann_file(entry['ann_file'], entry.get('ann_classes'))
        return infos

    def load_ann_file(self, ann_file: str, ann_classes: Sequence[str] | None = None) -> list[dict]:
        """Loads an mmdet middle-format file (JSON or pickle list of infos).

        Subclasses override it to read their own format.

        Args:
            ann_file: Path of the file.
            ann_classes: Keep only objects of these classes (``None``: all).
        """
        keep = None if ann_classes is None else {self.cat2label[c] for c in ann_classes}
        return load_middle_format(ann_file, len(self.CLASSES), keep)

    def load_annotations_saved(self, ann_file: str) -> list[dict]:
        """Loads a file written by :meth:`save_data_infos`.

        Labels are mapped by class name when the saved ``CLASSES`` differ from
        the current ones.

        Raises:
            ValueError: When the file is not a saved dataset or names unknown classes.
        """
        return load_saved_infos(ann_file, self.CLASSES, self.cat2label, self.img_prefix)

    def save_data_infos(self, output_path: str) -> None:
        """Writes ``[meta, *data_infos]`` as JSON, atomically.

        ``meta`` is ``{'CLASSES': [...], 'img_prefix': ...}``. The file reloads
        with ``ann_cfg=[dict(type='saved_dataset', ann_file=output_path)]``.

        Args:
            output_path: Destination JSON file, e.g. ``{work_dir}/{timestamp}_saved_data.json``.
        """
        meta = {'CLASSES': list(self.CLASSES), 'img_prefix': self.img_prefix}
        dump_json_atomic([meta, *self.data_infos], output_path, indent=4)

    def get_ann_info(self, idx: int) -> dict[str, np.ndarray]:
        """A copy of the annotation of item ``idx`` (``bboxes``, ``labels``, ``*_ignore``)."""
        ann = self.data_infos[idx]['ann']
        return {key: np.array(value, copy=True) for key, value in ann.items()}

    def get_cat_ids(self, idx: int) -> list[int]:
        """The label ids of the instances of item ``idx``."""
        return [int(x) for x in self.data_infos[idx]['ann']['labels']]

    # ------------------------------------------------------------------ items
    def __len__(self) -> int:
        return len(self.data_infos)

    def pre_pipeline(self, results: dict) -> None:
        """Adds the prefixes and the empty field lists the transforms expect."""
        results['img_prefix'] = self.img_prefix
        results['seg_prefix'] = self.seg_prefix
        results['proposal_file'] = self.proposal_file
        results['bbox_fields'] = []
        results['mask_fields'] = []
        results['seg_fields'] = []

    def _pipeline_for(self, pipeline_key: str | None) -> Callable:
        if pipeline_key is None:
            if self.pipeline is None:
                raise ValueError(
                    f'{self.dataset_name} has no `pipeline`'
                    + (
                        f'; pass pipeline_key, one of {sorted(self.multi_pipelines)}'
                        if self.multi_pipelines
                        else '; give pipeline=[...] in the config'
                    )
                )
            return self.pipeline
        if not self.multi_pipelines or pipeline_key not in self.multi_pipelines:
            raise KeyError(
                f'{self.dataset_name} has no pipeline {pipeline_key!r}; multi_pipelines has '
                f'{sorted(self.multi_pipelines or {})}'
            )
        return self.multi_pipelines[pipeline_key]

    def prepare_train_img(
        self, idx: int, pipeline_key: str | None = None, gt_idx: list[int] | None = None
    ) -> Any:
        """Runs the (named) pipeline on item ``idx``.

        Args:
            idx: Item index.
            pipeline_key: Name in ``multi_pipelines``; ``None`` uses ``pipeline``.
            gt_idx: Keep only these instances (indices into the item's boxes).

        Returns:
            The transformed results, or ``None`` when a transform dropped the item.
        """
        pipeline = self._pipeline_for(pipeline_key)
        img_info = copy.deepcopy(self.data_infos[idx])
        ann_info = self.get_ann_info(idx)
        if gt_idx is not None:
            sel = np.asarray(gt_idx, dtype=np.int64).reshape(-1)
            ann_info = make_ann(ann_info['bboxes'][sel], ann_info['labels'][sel])
            img_info['ann'] = copy.deepcopy(ann_info)
        results: dict[str, Any] = {'img_info': img_info, 'ann_info': ann_info}
        if self.proposals is not None:
            results['proposals'] = self.proposals[idx]
        self.pre_pipeline(results)
        return pipeline(results)

    def prepare_test_img(self, idx: int) -> Any:
        """Runs ``pipeline`` on item ``idx`` without its annotations."""
        pipeline = self._pipeline_for(None)
        results: dict[str, Any] = {'img_info': copy.deepcopy(self.data_infos[idx])}
        if self.proposals is not None:
            results['proposals'] = self.proposals[idx]
        self.pre_pipeline(results)
        return pipeline(results)

    def __getitem__(self, idx: int) -> Any:
        if self.test_mode:
            return self.prepare_test_img(idx)
        rng = np.random.default_rng(int(idx))
        current = int(idx)
        for _ in range(_MAX_RESAMPLE):
            data = self.prepare_train_img(current)
            if data is not None:
                return data
            current = int(rng.integers(len(self)))
        raise RuntimeError(
            f'{self.dataset_name}: the pipeline dropped {_MAX_RESAMPLE} items in a row; '
            'check its random crops and box filters'
        )

    def __repr__(self) -> str:
        counts = count_instances(self.data_infos, len(self.CLASSES))
        rows = [['category', 'count'] * 4]
        flat: list[str] = []
        for i, name in enumerate(self.CLASSES):
            flat += [f'{i} [{name}]', str(int(counts[i]))]
        for start in range(0, len(flat), 8):
            row = flat[start : start + 8]
            rows.append(row + [''] * (8 - len(row)))
        table = AsciiTable(rows).table
        return (
            f'\n{self.__class__.__name__} {self.dataset_name} with {len(self)} items '
            f'and instance counts:\n{table}\n'
        )
