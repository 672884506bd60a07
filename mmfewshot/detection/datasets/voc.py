"""Few-shot PASCAL VOC: XML annotations, the three base/novel splits, VOC07 mAP."""

from __future__ import annotations

import os.path as osp
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from mmengine.logging import MMLogger, print_log

from mmfewshot.registry import DATASETS

from ._ann_ops import make_ann
from ._voc_xml import VOCRecord, check_box, image_size, parse_voc_xml, resolve_image_line
from .base import BaseFewShotDataset
from .evaluation import eval_map, eval_recalls
from .splits import VOC_SPLIT


@DATASETS.register_module()
class FewShotVOCDataset(BaseFewShotDataset):
    """PASCAL VOC (or any VOC-format data) for few-shot detection.

    ``ann_cfg`` files are image lists: one image id per line (the subset
    folder, e.g. ``VOC2007``, is the folder above ``ImageSets`` in the list's
    path) or one image path per line such as ``VOC2012/JPEGImages/x.jpg``, as
    in the TFA split files. The annotation of image ``id`` is
    ``{img_prefix}/{subset}/Annotations/{id}.xml``; its image is
    ``{subset}/JPEGImages/{file}`` (from ``<filename>``, else ``{id}.jpg``).
    When ``<size>`` is missing the size is read from the image. Objects whose
    class is not in ``classes`` are skipped; difficult objects go to the
    ignore fields unless ``use_difficult``.

    Coordinates: following detectron2, at training time ``coordinate_offset``
    is added to the XML box (``[-1, -1, 0, 0]`` moves xmin and ymin to
    0-based pixels); test-time ground truth keeps the XML values and
    :meth:`evaluate` subtracts the offset from the predictions again.

    Args:
        classes: Class names or a split name: ``ALL_CLASSES_SPLIT{1,2,3}``
            (BASE then NOVEL), ``BASE_CLASSES_SPLIT{n}``, ``NOVEL_CLASSES_SPLIT{n}``.
        num_novel_shots: Keep this many instances of each novel class (needs a
            split name in ``classes``).
        num_base_shots: Keep this many instances of each base class.
        ann_shot_filter: Class name -> number of instances (instead of the two above).
        use_difficult: Train on difficult objects instead of ignoring them.
        min_bbox_area: At training time, boxes of smaller area are ignored.
        dataset_name: Name used in logs.
        test_mode: Build for testing.
        coordinate_offset: Added to ``[xmin, ymin, xmax, ymax]`` at training time.
        **kwargs: :class:`BaseFewShotDataset` arguments (``ann_cfg``,
            ``pipeline``, ``img_prefix``, ...).
    """

    #: Registered name of the dataset that copies this one's ``data_infos``.
    COPY_DATASET_TYPE = 'FewShotVOCCopyDataset'

    SPLIT = VOC_SPLIT

    def __init__(
        self,
        classes: str | Sequence[str] | None = None,
        num_novel_shots: int | None = None,
        num_base_shots: int | None = None,
        ann_shot_filter: dict[str, int] | None = None,
        use_difficult: bool = False,
        min_bbox_area: float | None = None,
        dataset_name: str | None = None,
        test_mode: bool = False,
        coordinate_offset: Sequence[float] = (-1, -1, 0, 0),
        **kwargs: Any,
    ) -> None:
        suffix = self.split_suffix(classes)
        self.split_id = int(suffix[6:]) if suffix and suffix[6:].isdigit() else None
        self.num_novel_shots = num_novel_shots
        self.num_base_shots = num_base_shots
        self.use_difficult = use_difficult
        self.min_bbox_area = min_bbox_area
        if len(coordinate_offset) != 4:
            raise ValueError(
                f'coordinate_offset={list(coordinate_offset)} must have 4 values '
                '(added to xmin, ymin, xmax, ymax)'
            )
        self.coordinate_offset = [float(v) for v in coordinate_offset]
        self.test_mode = test_mode
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

    # ------------------------------------------------------------ annotations
    def load_ann_file(self, ann_file: str, ann_classes: Sequence[str] | None = None) -> list[dict]:
        """Reads a VOC image list (see the class docstring)."""
        return self.load_annotations_xml(ann_file, ann_classes)

    def load_annotations_xml(
        self, ann_file: str, classes: Sequence[str] | None = None
    ) -> list[dict]:
        """Parses the XML of every image listed in ``ann_file``.

        Args:
            ann_file: Image list (ids or image paths).
            classes: Keep only objects of these classes (``None``: all of ``CLASSES``).

        Returns:
            Data infos ``{'id', 'filename', 'width', 'height', 'ann'}``.
        """
        with open(ann_file, encoding='utf-8') as f:
            lines = [line.strip() for line in f if line.strip()]
        prefix = self.img_prefix or ''
        infos = []
        for line in lines:
            subset, img_id = resolve_image_line(line, ann_file)
            record = parse_voc_xml(osp.join(prefix, subset, 'Annotations', f'{img_id}.xml'))
            name = record.filename
            if not name or osp.splitext(osp.basename(name))[0] != img_id:
                name = f'{img_id}.jpg'
            filename = f'{subset}/JPEGImages/{osp.basename(name)}'
            width, height = record.width, record.height
            if width is None or height is None:
                width, height = image_size(osp.join(prefix, filename))
            ann = self._get_xml_ann_info(record, width, height, classes)
            infos.append(
                {'id': img_id, 'filename': filename, 'width': width, 'height': height, 'ann': ann}
            )
        return infos

    def _get_xml_ann_info(
        self, record: VOCRecord, width: int, height: int, classes: Sequence[str] | None
    ) -> dict[str, np.ndarray]:
        keep = set(self.CLASSES if classes is None else classes)
        boxes, labels, boxes_ig, labels_ig = [], [], [], []
        for k, obj in enumerate(record.objects):
            if obj.name not in keep or obj.name not in self.cat2label:
                continue
            check_box(obj.bbox, width, height, f'{record.xml_path} object {k} ({obj.name!r})')
            bbox = list(obj.bbox)
            if not self.test_mode:
                bbox = [v + o for v, o in zip(bbox, self.coordinate_offset, strict=True)]
            ignore = obj.difficult and not self.use_difficult
            if self.min_bbox_area is not None and not self.test_mode:
                ignore = ignore or (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]) < self.min_bbox_area
            if ignore:
                boxes_ig.append(bbox)
                labels_ig.append(self.cat2label[obj.name])
            else:
                boxes.append(bbox)
                labels.append(self.cat2label[obj.name])
        return make_ann(boxes, labels, boxes_ig, labels_ig)

    # ------------------------------------------------------------- evaluation
    def _to_xml_frame(self, boxes: np.ndarray) -> np.ndarray:
        boxes = np.array(boxes, dtype=np.float32, copy=True)
        if boxes.size:
            boxes[:, :4] -= np.asarray(self.coordinate_offset, dtype=np.float32)
        return boxes

    def evaluate(
        self,
        results: list[Any],
        metric: str | list[str] = 'mAP',
        logger: MMLogger | str | None = None,
        proposal_nums: Sequence[int] = (100, 300, 1000),
        iou_thr: float | Sequence[float] = 0.5,
        class_splits: list[str] | None = None,
        eval_mode: str = '11points',
    ) -> OrderedDict:
        """VOC evaluation: ``mAP`` (AP at each IoU threshold, per split) or proposal ``recall``.

        Args:
            results: ``mAP``: per image a list of per-class (n, 5) float arrays
                ``[x1, y1, x2, y2, score]``; ``recall``: per image an (n, 5) or
                (n, 4) proposal array. Boxes are in the training frame; the
                coordinate offset is removed before matching (``results`` is
                not modified).
            metric: ``'mAP'`` or ``'recall'``.
            logger: Where the tables go.
            proposal_nums: Proposal budgets of ``recall``.
            iou_thr: One IoU threshold or several.
            class_splits: Split names (e.g. ``['BASE_CLASSES_SPLIT1',
                'NOVEL_CLASSES_SPLIT1']``) also evaluated on their own.
            eval_mode: ``'11points'`` (VOC07, default) or ``'area'``.

        Returns:
            ``mAP`` (mean over thresholds), ``AP50``, ``'{SPLIT}: AP50'``, ...,
            or ``recall@{num}@{iou}`` and ``AR@{num}``.
        """
        if isinstance(metric, (list, tuple)):
            if len(metric) != 1:
                raise ValueError(f'give one metric at a time, got {metric}')
            metric = metric[0]
        if metric not in ('mAP', 'recall'):
            raise KeyError(f"metric={metric!r} is not supported; use 'mAP' or 'recall'")
        if len(results) != len(self):
            raise ValueError(
                f'got {len(results)} results for {len(self)} images of {self.dataset_name}; '
                'give one result per image, in dataset order'
            )
        splits = self._class_split_names(class_splits)
        annotations = []
        for i in range(len(self)):
            ann = self.get_ann_info(i)
            if not self.test_mode:
                ann['bboxes'] = self._to_xml_frame(ann['bboxes'])
                ann['bboxes_ignore'] = self._to_xml_frame(ann['bboxes_ignore'])
            annotations.append(ann)
        iou_thrs = [float(iou_thr)] if isinstance(iou_thr, (int, float)) else list(iou_thr)
        eval_results: OrderedDict = OrderedDict()
        if metric == 'recall':
            proposals = [
                self._to_xml_frame(np.vstack(r) if isinstance(r, (list, tuple)) else r)
                for r in results
            ]
            gt_bboxes = [ann['bboxes'] for ann in annotations]
            recalls = eval_recalls(
                gt_bboxes, proposals, proposal_nums, iou_thrs, logger, use_legacy_coordinate=True
            )
            for i, num in enumerate(proposal_nums):
                for j, thr in enumerate(iou_thrs):
                    eval_results[f'recall@{num}@{thr}'] = float(recalls[i, j])
            if recalls.shape[1] > 1:
                for i, num in enumerate(proposal_nums):
                    eval_results[f'AR@{num}'] = float(recalls[i].mean())
            return eval_results
        for i, r in enumerate(results):
            if len(r) != len(self.CLASSES):
                raise ValueError(
                    f'result {i} has {len(r)} class arrays for {len(self.CLASSES)} classes; give '
                    'one (n, 5) array per class (in CLASSES order) for every image'
                )
        dets = [[self._to_xml_frame(cls_det) for cls_det in r] for r in results]
        mean_aps = []
        for thr in iou_thrs:
            print_log(f'\n{"-" * 15}iou_thr: {thr}{"-" * 15}', logger=logger)
            mean_ap, per_class = eval_map(
                dets,
                annotations,
                classes=self.CLASSES,
                iou_thr=thr,
                logger=logger,
                use_legacy_coordinate=True,
                eval_mode=eval_mode,
            )
            mean_aps.append(mean_ap)
            key = f'AP{round(thr * 100):02d}'
            eval_results[key] = round(float(mean_ap), 3)
            for split, names in splits.items():
                aps = [
                    r['ap']
                    for name, r in zip(self.CLASSES, per_class, strict=True)
                    if name in names and r['num_gts'] > 0
                ]
                split_map = float(np.mean(aps)) if aps else 0.0
                eval_results[f'{split}: {key}'] = round(split_map, 3)
                print_log(f'{split} mAP@{thr}: {split_map:.4f}', logger=logger)
        eval_results['mAP'] = float(np.mean(mean_aps))
        eval_results.move_to_end('mAP', last=False)
        return eval_results

    def _class_split_names(self, class_splits: list[str] | None) -> dict[str, set[str]]:
        if class_splits is None:
            return {}
        out = {}
        for split in class_splits:
            if split not in self.SPLIT:
                raise KeyError(
                    f'class_splits names unknown split {split!r}; use some of {sorted(self.SPLIT)}'
                )
            names = set(self.SPLIT[split])
            if not names & set(self.CLASSES):
                raise ValueError(
                    f"no class of split {split!r} is in this dataset's classes; "
                    'remove it from class_splits'
                )
            out[split] = names
        return out
