"""Few-shot COCO: COCO-format JSON annotations, the 60/20 split, pycocotools evaluation."""

from __future__ import annotations

import os.path as osp
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.logging import MMLogger, print_log

from mmfewshot.registry import DATASETS

from ._ann_ops import make_ann
from ._coco_json import category_ids, coco_filename, merge_coco, read_coco_json
from .base import BaseFewShotDataset
from .evaluation import eval_recalls, evaluate_coco_split
from .evaluation.coco_eval import load_coco_results, quiet_coco
from .splits import COCO_SPLIT
from .utils import dump_json_atomic

_METRICS = ('bbox', 'proposal', 'proposal_fast')


@DATASETS.register_module()
class FewShotCocoDataset(BaseFewShotDataset):
    """COCO (or any COCO-format data) for few-shot detection.

    Labels follow the order of ``classes``, matched to the file's categories by
    name. Image paths follow the COCO folder rules (``train2014/``,
    ``val2014/`` from the file name; ``train2017/``, ``val2017/`` from an
    ``instances_*2017`` annotation file), else the ``file_name`` as written.
    Crowd boxes go to the ignore fields; boxes flagged ``ignore`` or narrower
    than one pixel are dropped.

    Args:
        classes: Class names or ``'ALL_CLASSES'`` (80), ``'BASE_CLASSES'`` (60)
            or ``'NOVEL_CLASSES'`` (the 20 VOC classes).
        num_novel_shots: Keep this many instances of each novel class (needs a
            split name in ``classes``).
        num_base_shots: Keep this many instances of each base class.
        ann_shot_filter: Class name -> number of instances (instead of the two above).
        min_bbox_area: At training time, boxes of smaller area are ignored.
        dataset_name: Name used in logs.
        test_mode: Build for testing.
        **kwargs: :class:`BaseFewShotDataset` arguments.
    """

    #: Registered name of the dataset that copies this one's ``data_infos``.
    COPY_DATASET_TYPE = 'FewShotCocoCopyDataset'

    SPLIT = COCO_SPLIT

    def __init__(
        self,
        classes: str | Sequence[str] | None = None,
        num_novel_shots: int | None = None,
        num_base_shots: int | None = None,
        ann_shot_filter: dict[str, int] | None = None,
        min_bbox_area: float | None = None,
        dataset_name: str | None = None,
        test_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        self.num_novel_shots = num_novel_shots
        self.num_base_shots = num_base_shots
        self.min_bbox_area = min_bbox_area
        self.test_mode = test_mode
        self.cat_ids: list[int] = []
        self.cat2label_id: dict[int, int] = {}
        self._coco_files: list[str] = []
        self._other_sources = False
        self._coco_gt: Any = None  # ground truth of evaluate(), built on first use
        shot_filter = self.shot_filter_from_split(
            classes, num_novel_shots, num_base_shots, ann_shot_filter
        )
        super().__init__(
            classes=classes,
            ann_shot_filter=shot_filter,
            dataset_name=dataset_name,
            test_mode=test_mode,
            **kwargs,
        )
        if not self.cat_ids:
            self.cat_ids = list(range(1, len(self.CLASSES) + 1))
            self.cat2label_id = {cat: i for i, cat in enumerate(self.cat_ids)}
        self.img_ids = [info['id'] for info in self.data_infos]

    # ------------------------------------------------------------ annotations
    def load_annotations(self, ann_cfg: list[dict]) -> list[dict]:
        """Loads every entry; remembers whether all of them are COCO files (for evaluation)."""
        self._other_sources = any(e.get('type', 'ann_file') != 'ann_file' for e in ann_cfg)
        return super().load_annotations(ann_cfg)

    def load_ann_file(self, ann_file: str, ann_classes: Sequence[str] | None = None) -> list[dict]:
        """Reads a COCO annotation file."""
        return self.load_annotations_coco(ann_file, ann_classes)

    def load_annotations_coco(
        self, ann_file: str, classes: Sequence[str] | None = None
    ) -> list[dict]:
        """Parses a COCO JSON file into data infos.

        Args:
            ann_file: COCO annotation file.
            classes: Keep only objects of these classes (``None``: all of ``CLASSES``).

        Raises:
            ValueError: For malformed files, categories that disagree with
                earlier files, or boxes with negative size or outside the image.
        """
        data = read_coco_json(ann_file)
        ids = category_ids(data, self.CLASSES, ann_file)
        if not self.cat_ids:
            self.cat_ids = [ids[name] for name in self.CLASSES]
            self.cat2label_id = {cat: i for i, cat in enumerate(self.cat_ids)}
        elif [ids[name] for name in self.CLASSES] != self.cat_ids:
            raise ValueError(
                f'{ann_file} gives other category ids to the classes than the files before it; '
                'use the same categories in every annotation file'
            )
        self._coco_files.append(ann_file)
        keep = {self.cat2label[name] for name in (self.CLASSES if classes is None else classes)}
        anns_by_img: dict[Any, list[dict]] = {}
        for ann in data['annotations']:
            anns_by_img.setdefault(ann['image_id'], []).append(ann)
        infos = []
        for img in data['images']:
            info = dict(img)
            info['filename'] = coco_filename(str(img['file_name']), ann_file)
            info['ann'] = self._parse_anns(img, anns_by_img.get(img['id'], []), keep, ann_file)
            infos.append(info)
        return infos

    def _parse_anns(
        self, img: dict, anns: list[dict], keep: set[int], ann_file: str
    ) -> dict[str, np.ndarray]:
        width, height = float(img['width']), float(img['height'])
        boxes, labels, boxes_ig, labels_ig = [], [], [], []
        for ann in anns:
            if ann.get('ignore', False):
                continue
            where = f'{ann_file}: annotation {ann["id"]!r} (image {img["id"]!r})'
            try:
                x1, y1, w, h = (float(v) for v in ann['bbox'])
            except (TypeError, ValueError) as e:
                raise ValueError(f'{where}: bbox {ann["bbox"]!r} is not [x, y, w, h]') from e
            if w < 0 or h < 0:
                raise ValueError(
                    f'{where}: bbox {ann["bbox"]} has a negative width or height (x2 < x1); '
                    'COCO boxes are [x, y, width, height]'
                )
            if x1 < -1 or y1 < -1 or x1 + w > width + 1 or y1 + h > height + 1:
                raise ValueError(
                    f'{where}: bbox {ann["bbox"]} lies outside the {img["width"]}x'
                    f'{img["height"]} image; clip it to the image'
                )
            label = self.cat2label_id.get(int(ann['category_id']))
            if label is None or label not in keep:
                continue
            if ann.get('area', w * h) <= 0 or w < 1 or h < 1:
                continue
            bbox = [x1, y1, x1 + w, y1 + h]
            small = (
                self.min_bbox_area is not None and not self.test_mode and w * h < self.min_bbox_area
            )
            if ann.get('iscrowd', 0) or small:
                boxes_ig.append(bbox)
                labels_ig.append(label)
            else:
                boxes.append(bbox)
                labels.append(label)
        return make_ann(boxes, labels, boxes_ig, labels_ig)

    # ------------------------------------------------------------- evaluation
    def _gt_dict(self) -> dict[str, Any]:
        """Ground truth for COCOeval.

        The annotation files when every source was one, else built from the infos.
        """
        if self._coco_files and not self._other_sources:
            return merge_coco([read_coco_json(path) for path in self._coco_files])
        images: list[dict] = []
        anns: list[dict] = []
        for info in self.data_infos:
            images.append(
                {
                    'id': info['id'],
                    'file_name': info.get('file_name', info['filename']),
                    'width': info['width'],
                    'height': info['height'],
                }
            )
            ann = info['ann']
            for crowd, boxes, labels in (
                (0, ann['bboxes'], ann['labels']),
                (1, ann['bboxes_ignore'], ann['labels_ignore']),
            ):
                for box, label in zip(boxes.tolist(), labels.tolist(), strict=True):
                    w, h = box[2] - box[0], box[3] - box[1]
                    anns.append(
                        {
                            'id': len(anns) + 1,
                            'image_id': info['id'],
                            'category_id': self.cat_ids[label],
                            'bbox': [box[0], box[1], w, h],
                            'area': w * h,
                            'iscrowd': crowd,
                        }
                    )
        cats = [{'id': c, 'name': n} for c, n in zip(self.cat_ids, self.CLASSES, strict=True)]
        return {'images': images, 'annotations': anns, 'categories': cats}

    def results2json(self, results: list[Any], outfile_prefix: str | None = None) -> dict:
        """Converts results to COCO result dicts, written to ``{prefix}.{bbox,proposal}.json``.

        Args:
            results: Per image a list of per-class (n, 5) arrays (detections)
                or one (n, 5) array (proposals).
            outfile_prefix: Where to write (atomically); ``None`` writes nothing.

        Returns:
            ``{'bbox': [...]}`` or ``{'proposal': [...]}`` lists of result dicts.
        """
        is_proposal = isinstance(results[0], np.ndarray) if results else False
        dets: list[dict] = []
        for img_id, res in zip(self.img_ids, results, strict=True):
            # Proposals take the first category: with useCats=0 COCOeval still only
            # gathers results whose category is among params.catIds.
            per_class = [(0, res)] if is_proposal else list(enumerate(res))
            for label, arr in per_class:
                arr = np.asarray(arr, dtype=np.float64).reshape(-1, 5)
                for x1, y1, x2, y2, score in arr.tolist():
                    dets.append(
                        {
                            'image_id': img_id,
                            'bbox': [x1, y1, x2 - x1, y2 - y1],
                            'score': score,
                            'category_id': self.cat_ids[label],
                        }
                    )
        key = 'proposal' if is_proposal else 'bbox'
        if outfile_prefix is not None:
            dump_json_atomic(dets, f'{outfile_prefix}.{key}.json')
        return {key: dets}

    def format_results(
        self, results: list[Any], jsonfile_prefix: str | None = None
    ) -> tuple[dict[str, str], tempfile.TemporaryDirectory | None]:
        """Writes the result JSON files; returns their paths and the temporary folder used."""
        tmp_dir = None
        if jsonfile_prefix is None:
            tmp_dir = tempfile.TemporaryDirectory()
            jsonfile_prefix = osp.join(tmp_dir.name, 'results')
        dets = self.results2json(results, jsonfile_prefix)
        return {k: f'{jsonfile_prefix}.{k}.json' for k in dets}, tmp_dir

    def evaluate(
        self,
        results: list[Any],
        metric: str | list[str] = 'bbox',
        logger: MMLogger | str | None = None,
        jsonfile_prefix: str | None = None,
        classwise: bool = False,
        proposal_nums: Sequence[int] = (100, 300, 1000),
        iou_thrs: Sequence[float] | None = None,
        metric_items: str | list[str] | None = None,
        class_splits: list[str] | None = None,
    ) -> OrderedDict:
        """COCO evaluation with pycocotools, for all classes and for each class split.

        Args:
            results: ``bbox``: per image a list of per-class (n, 5) arrays;
                ``proposal``/``proposal_fast``: per image an (n, 5) array.
            metric: ``'bbox'``, ``'proposal'``, ``'proposal_fast'`` or a list.
            logger: Where the summaries go.
            jsonfile_prefix: Also write the result JSON to ``{prefix}.bbox.json``.
            classwise: Log a per-class AP table.
            proposal_nums: ``maxDets`` of COCOeval (and AR budgets).
            iou_thrs: IoU thresholds (default 0.50:0.05:0.95).
            metric_items: Summary values to return, e.g. ``['mAP', 'mAP_50']``.
            class_splits: Split names (``'BASE_CLASSES'``, ``'NOVEL_CLASSES'``)
                evaluated on their own, keys prefixed by ``'{SPLIT} '``.

        Returns:
            ``bbox_mAP``, ``bbox_mAP_50``, ..., ``'NOVEL_CLASSES bbox_mAP'``, ...,
            ``AR@100``, ...
        """
        metrics = list(metric) if isinstance(metric, (list, tuple)) else [metric]
        for m in metrics:
            if m not in _METRICS:
                raise KeyError(f'metric {m!r} is not supported; use some of {list(_METRICS)}')
        if len(results) != len(self):
            raise ValueError(
                f'got {len(results)} results for {len(self)} images of {self.dataset_name}; '
                'give one result per image, in dataset order'
            )
        splits = self._split_cat_ids(class_splits)
        thrs = [float(t) for t in (np.linspace(0.5, 0.95, 10) if iou_thrs is None else iou_thrs)]
        items = [metric_items] if isinstance(metric_items, str) else metric_items
        eval_results: OrderedDict = OrderedDict()
        coco_gt = None
        for m in metrics:
            if m == 'proposal_fast':
                gts = [self.get_ann_info(i)['bboxes'] for i in range(len(self))]
                ar = eval_recalls(gts, results, proposal_nums, thrs, logger='silent').mean(axis=1)
                for i, num in enumerate(proposal_nums):
                    eval_results[f'AR@{num}'] = float(ar[i])
                    print_log(f'AR@{num}: {ar[i]:.4f}', logger=logger)
                continue
            key = 'proposal' if m == 'proposal' else 'bbox'
            dets = self.results2json(results, jsonfile_prefix)
            if key not in dets:
                raise ValueError(
                    f'metric {m!r} needs per image '
                    + ('one (n, 5) proposal array' if key == 'proposal' else 'per-class arrays')
                )
            if coco_gt is None:
                if self._coco_gt is None:
                    self._coco_gt = quiet_coco(self._gt_dict())
                coco_gt = self._coco_gt
            if dets[key]:
                coco_dt = load_coco_results(coco_gt, dets[key])
            else:
                print_log(f'no {key} results at all; {m} scores are 0', logger=logger, level=30)
                coco_dt = quiet_coco({**coco_gt.dataset, 'annotations': []})
            groups = list(splits.items()) if m == 'bbox' else []
            for prefix, cats in [*((f'{n} ', c) for n, c in groups), ('', self.cat_ids)]:
                eval_results.update(
                    evaluate_coco_split(
                        coco_gt,
                        coco_dt,
                        m,
                        img_ids=self.img_ids,
                        cat_ids=cats,
                        proposal_nums=proposal_nums,
                        iou_thrs=thrs,
                        metric_items=items,
                        classwise=classwise and not prefix,
                        prefix=prefix,
                        logger=logger,
                    )
                )
        return eval_results

    def _split_cat_ids(self, class_splits: list[str] | None) -> dict[str, list[int]]:
        splits = {}
        for split in class_splits or []:
            if split not in self.SPLIT:
                raise KeyError(
                    f'class_splits names unknown split {split!r}; use some of {sorted(self.SPLIT)}'
                )
            names = set(self.SPLIT[split])
            cats = [c for c, n in zip(self.cat_ids, self.CLASSES, strict=True) if n in names]
            if not cats:
                raise ValueError(
                    f"no class of split {split!r} is in this dataset's classes; remove it from "
                    'class_splits'
                )
            splits[split] = cats
        return splits
