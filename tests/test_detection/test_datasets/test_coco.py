import contextlib
import io
import json

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from mmfewshot.detection.datasets import COCO_SPLIT, FewShotCocoDataset
from mmfewshot.registry import DATASETS

ALL = list(COCO_SPLIT['ALL_CLASSES'])
# non-contiguous category ids, as in real COCO
CATS = [{'id': i + 1 if i < 10 else i + 5, 'name': n} for i, n in enumerate(ALL)]
CAT_ID = {c['name']: c['id'] for c in CATS}
PERSON, TRUCK = ALL.index('person'), ALL.index('truck')


def images(prefix='COCO_val2014_'):
    return [
        {'id': k, 'file_name': f'{prefix}{k:012d}.jpg', 'width': 100, 'height': 80}
        for k in (1, 2, 3)
    ]


def annotations(coco_ann):
    return [
        coco_ann(11, 1, CAT_ID['person'], [10, 10, 30, 30]),
        coco_ann(12, 1, CAT_ID['truck'], [50, 40, 40, 30]),
        coco_ann(13, 1, CAT_ID['person'], [0, 0, 20, 20], iscrowd=1),
        coco_ann(14, 2, CAT_ID['truck'], [5, 5, 20, 20]),
        coco_ann(15, 2, CAT_ID['truck'], [0, 0, 0.5, 10]),  # narrower than 1 px: dropped
    ]


@pytest.fixture
def coco_file(tmp_path, make_coco, coco_ann_fn) -> str:
    return make_coco(tmp_path / 'ann' / 'val.json', images(), annotations(coco_ann_fn), CATS)


def build(ann_file, **kwargs) -> FewShotCocoDataset:
    cfg = dict(
        type='FewShotCocoDataset',
        ann_cfg=[dict(type='ann_file', ann_file=str(ann_file))],
        img_prefix='data/coco/',
        classes='ALL_CLASSES',
    )
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def test_coco_loads_boxes_labels_and_2014_prefix(coco_file):
    ds = build(coco_file)
    assert [info['id'] for info in ds.data_infos] == [1, 2]  # image 3 has no box
    info = ds.data_infos[0]
    assert info['filename'] == 'val2014/COCO_val2014_000000000001.jpg'
    np.testing.assert_array_equal(info['ann']['bboxes'], [[10, 10, 40, 40], [50, 40, 90, 70]])
    assert info['ann']['labels'].tolist() == [PERSON, TRUCK]
    np.testing.assert_array_equal(info['ann']['bboxes_ignore'], [[0, 0, 20, 20]])
    assert info['ann']['labels_ignore'].tolist() == [PERSON]
    assert ds.data_infos[1]['ann']['labels'].tolist() == [TRUCK]
    assert ds.cat_ids[PERSON] == CAT_ID['person']
    assert len(build(coco_file, test_mode=True)) == 3


def test_coco_2017_prefix_from_ann_file_name(tmp_path, make_coco, coco_ann_fn):
    path = make_coco(
        tmp_path / 'instances_train2017.json', images(prefix=''), annotations(coco_ann_fn), CATS
    )
    assert build(path).data_infos[0]['filename'] == 'train2017/000000000001.jpg'
    plain = make_coco(tmp_path / 'mine.json', images(prefix='x/'), annotations(coco_ann_fn), CATS)
    assert build(plain).data_infos[0]['filename'] == 'x/000000000001.jpg'


def test_coco_split_names_and_shot_filter(coco_file):
    base = build(coco_file, classes='BASE_CLASSES')
    assert len(base.CLASSES) == 60
    assert [i['ann']['labels'].tolist() for i in base.data_infos] == [[0], [0]]  # truck first
    novel = build(coco_file, classes='NOVEL_CLASSES')
    assert novel.CLASSES[0] == 'person'
    assert len(novel) == 1
    with pytest.warns(UserWarning, match='fewer instances than the shots asked'):
        capped = build(coco_file, num_base_shots=1, num_novel_shots=1)
    labels = np.concatenate([i['ann']['labels'] for i in capped.data_infos]).tolist()
    assert sorted(labels) == [PERSON, TRUCK]


def test_coco_min_bbox_area_ignores_small_boxes(coco_file):
    ds = build(coco_file, min_bbox_area=500)  # truck 20x20=400 in image 2
    assert [i['id'] for i in ds.data_infos] == [1]
    assert len(build(coco_file, min_bbox_area=500, test_mode=True).data_infos[1]['ann']['labels'])


def hand_results(ds, person=True, truck=False):
    """Perfect person detections and, optionally, perfect truck detections, per image."""
    out = []
    for info in ds.data_infos:
        per_class = [np.zeros((0, 5), np.float32) for _ in ds.CLASSES]
        for box, label in zip(info['ann']['bboxes'], info['ann']['labels'], strict=True):
            if (label == PERSON and person) or (label == TRUCK and truck):
                per_class[label] = np.vstack([per_class[label], np.append(box, 0.9)[None]])
        out.append(per_class)
    return out


def test_coco_evaluate_equals_pycocotools_with_split_prefixes(coco_file, tmp_path):
    ds = build(coco_file, test_mode=True)
    results = hand_results(ds)
    out = ds.evaluate(
        results, class_splits=['BASE_CLASSES', 'NOVEL_CLASSES'], jsonfile_prefix=str(tmp_path / 'r')
    )
    # by hand: person found exactly (AP 1), truck not at all (AP 0)
    assert out['NOVEL_CLASSES bbox_mAP'] == 1.0
    assert out['BASE_CLASSES bbox_mAP'] == 0.0
    assert out['bbox_mAP'] == 0.5
    # independently through pycocotools, from the written result file
    written = json.loads((tmp_path / 'r.bbox.json').read_text())
    assert written == [
        {
            'image_id': 1,
            'bbox': [10.0, 10.0, 30.0, 30.0],
            'score': pytest.approx(0.9),
            'category_id': CAT_ID['person'],
        }
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(coco_file)
        dt = gt.loadRes(written)
        ev = COCOeval(gt, dt, 'bbox')
        ev.params.imgIds = [1, 2, 3]
        ev.params.maxDets = [100, 300, 1000]
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert out['bbox_mAP_50'] == round(ev.stats[1], 3)
    assert out['bbox_mAP_m'] == round(ev.stats[4], 3)
    assert out['bbox_mAP_copypaste'] == ' '.join(f'{v:.3f}' for v in ev.stats[:6])
    both = ds.evaluate(hand_results(ds, truck=True), metric_items='mAP', classwise=True)
    # The evaluation ground truth is the file: the 0.5-px truck the loader dropped is a
    # missed truck there, so truck recall is 2/3 and its 101-point AP is 67/101
    # (recall thresholds 0, .01, ..., .66); person AP is 1.
    assert both == {
        'bbox_mAP': round((1 + 67 / 101) / 2, 3),
        'bbox_mAP_copypaste': both['bbox_mAP_copypaste'],
    }


def test_coco_evaluate_proposals(coco_file):
    ds = build(coco_file, test_mode=True)
    props = []
    for i in range(len(ds)):
        gt = ds.get_ann_info(i)['bboxes']
        props.append(np.hstack([gt, np.ones((len(gt), 1), np.float32)]))
    # proposal_fast: recall of the dataset's 3 boxes (2 in image 1, 1 in image 2);
    # one proposal per image finds 2 of them.
    fast = ds.evaluate(props, metric='proposal_fast', proposal_nums=(1, 10, 100))
    assert fast['AR@1'] == pytest.approx(2 / 3)
    assert fast['AR@10'] == pytest.approx(1.0)
    # proposal (COCOeval, class-agnostic): the file also has the 0.5-px-wide truck of
    # image 2 as a gt (4 in all). COCOeval's items keep their names, AR@100/AR@300 are
    # the first/second budget (maxDets 1 and 10).
    out = ds.evaluate(props, metric='proposal', proposal_nums=(1, 10, 100))
    assert out['AR@100'] == pytest.approx(0.5)
    assert out['AR@300'] == pytest.approx(0.75)


def test_coco_evaluate_with_no_detection_gives_zero(coco_file):
    ds = build(coco_file, test_mode=True)
    out = ds.evaluate(hand_results(ds, person=False), metric_items=['mAP'])
    assert out['bbox_mAP'] == 0.0


def test_coco_bad_files_are_named(tmp_path, make_coco, coco_ann_fn):
    no_images = make_coco(tmp_path / 'a.json', images(), [], CATS, drop=['images'])
    with pytest.raises(ValueError, match=r"a\.json has no 'images' list"):
        build(no_images)
    anns = annotations(coco_ann_fn)
    anns[1]['id'] = 11
    dup = make_coco(tmp_path / 'b.json', images(), anns, CATS)
    with pytest.raises(ValueError, match=r'b\.json: duplicate annotation ids \[11\]'):
        build(dup)
    anns = annotations(coco_ann_fn)
    anns[0]['bbox'] = [50, 10, -20, 30]
    neg = make_coco(tmp_path / 'c.json', images(), anns, CATS)
    with pytest.raises(ValueError, match=r'c\.json: annotation 11 .*negative width'):
        build(neg)
    anns = annotations(coco_ann_fn)
    anns[0]['bbox'] = [90, 10, 40, 30]
    out = make_coco(tmp_path / 'd.json', images(), anns, CATS)
    with pytest.raises(ValueError, match=r'd\.json: annotation 11 .*outside the 100x80 image'):
        build(out)
    few_cats = make_coco(tmp_path / 'e.json', images(), [], CATS[:3])
    with pytest.raises(ValueError, match=r"e\.json: classes \['motorcycle'"):
        build(few_cats)
    with pytest.raises(FileNotFoundError, match=r"annotation file '.*f\.json'"):
        build(tmp_path / 'f.json')


def test_coco_bad_split_names(coco_file):
    with pytest.raises(KeyError, match="unknown class split 'ALL_CLASSES_SPLIT1'"):
        build(coco_file, classes='ALL_CLASSES_SPLIT1')
    ds = build(coco_file, test_mode=True)
    with pytest.raises(KeyError, match="unknown split 'NOVEL'"):
        ds.evaluate(hand_results(ds), class_splits=['NOVEL'])
    with pytest.raises(KeyError, match="metric 'segm' is not supported"):
        ds.evaluate(hand_results(ds), metric='segm')


def test_coco_evaluates_saved_dataset_from_infos(coco_file, tmp_path):
    ds = build(coco_file, test_mode=True)
    ds.save_data_infos(str(tmp_path / 'saved.json'))
    again = build(
        tmp_path / 'saved.json',
        test_mode=True,
        ann_cfg=[dict(type='saved_dataset', ann_file=str(tmp_path / 'saved.json'))],
    )
    out = again.evaluate(hand_results(again), class_splits=['NOVEL_CLASSES'], logger='silent')
    assert out['NOVEL_CLASSES bbox_mAP'] == 1.0
    assert out['bbox_mAP'] == 0.5


def test_coco_rejects_inconsistent_category_ids(tmp_path, make_coco, coco_ann_fn, coco_file):
    other = [dict(c, id=c['id'] + 1000) for c in CATS]
    path = make_coco(tmp_path / 'other.json', images(), [], other)
    with pytest.raises(ValueError, match='other category ids'):
        DATASETS.build(
            dict(
                type='FewShotCocoDataset',
                classes='ALL_CLASSES',
                ann_cfg=[
                    dict(type='ann_file', ann_file=coco_file),
                    dict(type='ann_file', ann_file=path),
                ],
            )
        )
