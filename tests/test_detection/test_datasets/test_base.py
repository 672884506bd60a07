import json
import os
import pickle

import numpy as np
import pytest

from mmfewshot.detection.datasets import BaseFewShotDataset
from mmfewshot.registry import DATASETS

CLASSES = ['cat', 'dog', 'fox']


def middle_infos():
    """mmdet middle-format infos: 3 images of 64x48, one with an ignored box, one empty."""
    return [
        {
            'filename': 'a.jpg',
            'width': 64,
            'height': 48,
            'ann': {
                'bboxes': [[1, 1, 20, 20], [30, 5, 60, 40], [2, 2, 4, 4]],
                'labels': [0, 1, 0],
                'bboxes_ignore': [[10, 10, 12, 12]],
                'labels_ignore': [2],
            },
        },
        {
            'filename': 'b.jpg',
            'width': 64,
            'height': 48,
            'ann': {'bboxes': [[5, 5, 25, 25], [0, 0, 10, 40]], 'labels': [0, 2]},
        },
        {'filename': 'c.jpg', 'width': 64, 'height': 48, 'ann': {'bboxes': [], 'labels': []}},
    ]


@pytest.fixture
def ann_file(tmp_path):
    path = tmp_path / 'middle.json'
    path.write_text(json.dumps(middle_infos()))
    return str(path)


def build(ann_file, **kwargs):
    cfg = dict(
        type='BaseFewShotDetDataset',
        ann_cfg=[dict(type='ann_file', ann_file=ann_file)],
        classes=CLASSES,
        img_prefix='imgs/',
    )
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def test_base_loads_middle_format_and_filters_empty(ann_file):
    ds = build(ann_file)
    assert isinstance(ds, BaseFewShotDataset)
    assert [i['filename'] for i in ds.data_infos] == ['a.jpg', 'b.jpg']
    ann = ds.get_ann_info(0)
    assert ann['bboxes'].dtype == np.float32
    assert ann['labels'].dtype == np.int64
    np.testing.assert_array_equal(ann['bboxes_ignore'], [[10, 10, 12, 12]])
    assert ds.get_cat_ids(1) == [0, 2]
    assert ds.flag.dtype == np.uint8
    assert ds.flag.tolist() == [0, 0]
    ann['labels'][0] = 9  # get_ann_info returns a copy
    assert ds.get_ann_info(0)['labels'][0] == 0
    assert len(build(ann_file, filter_empty_gt=False)) == 3
    assert len(build(ann_file, test_mode=True)) == 3


def test_base_ann_classes_and_classes_file(ann_file, tmp_path):
    names = tmp_path / 'classes.txt'
    names.write_text('cat\ndog\nfox\n')
    ds = build(
        ann_file,
        classes=str(names),
        ann_cfg=[dict(type='ann_file', ann_file=ann_file, ann_classes=['fox'])],
        filter_empty_gt=False,
    )
    assert ds.CLASSES == CLASSES
    assert [i['ann']['labels'].tolist() for i in ds.data_infos] == [[], [2], []]
    assert ds.data_infos[0]['ann']['labels_ignore'].tolist() == [2]


def test_base_data_root_is_joined(ann_file, tmp_path):
    ds = build(os.path.basename(ann_file), data_root=str(tmp_path))
    assert ds.img_prefix == os.path.join(str(tmp_path), 'imgs/')
    assert len(ds) == 2


def test_base_min_bbox_size_moves_boxes_to_ignore(ann_file):
    ann = build(ann_file, min_bbox_size=5).get_ann_info(0)
    # [2, 2, 4, 4] is 2 px wide
    assert ann['labels'].tolist() == [0, 1]
    np.testing.assert_array_equal(ann['bboxes_ignore'], [[10, 10, 12, 12], [2, 2, 4, 4]])
    assert ann['labels_ignore'].tolist() == [2, 0]


def test_base_ann_shot_filter_is_seeded(ann_file):
    counts = []
    for seed in range(6):
        ds = build(ann_file, ann_shot_filter={'cat': 1}, shot_filter_seed=seed)
        labels = np.concatenate([i['ann']['labels'] for i in ds.data_infos])
        assert (labels == 0).sum() == 1  # one cat of the three
        assert (labels == 1).sum() == 1  # dog untouched
        picked = [i['ann']['bboxes'][i['ann']['labels'] == 0].tolist() for i in ds.data_infos]
        counts.append(str(picked))
        again = build(ann_file, ann_shot_filter={'cat': 1}, shot_filter_seed=seed)
        assert [i['ann']['bboxes'].tolist() for i in again.data_infos] == [
            i['ann']['bboxes'].tolist() for i in ds.data_infos
        ]
    assert len(set(counts)) > 1  # different seeds pick different cats
    # a cap of 0 removes the class; image b keeps its fox
    ds = build(ann_file, ann_shot_filter={'cat': 0, 'dog': 0})
    assert [i['ann']['labels'].tolist() for i in ds.data_infos] == [[2]]


def test_base_instance_wise_gives_one_item_per_instance(ann_file):
    ds = build(ann_file, instance_wise=True)
    assert len(ds) == 5
    assert [i['ann']['labels'].tolist() for i in ds.data_infos] == [[0], [1], [0], [0], [2]]
    assert ds.data_infos[1]['ann']['bboxes'].tolist() == [[30, 5, 60, 40]]


def test_base_merges_infos_of_the_same_image(tmp_path):
    first = tmp_path / 'first.json'
    second = tmp_path / 'second.json'
    info = {'id': 7, 'filename': 'a.jpg', 'width': 64, 'height': 48}
    first.write_text(json.dumps([{**info, 'ann': {'bboxes': [[1, 1, 9, 9]], 'labels': [0]}}]))
    second.write_text(json.dumps([{**info, 'ann': {'bboxes': [[2, 2, 8, 8]], 'labels': [1]}}]))
    ds = build(
        None,
        ann_cfg=[dict(type='ann_file', ann_file=str(first)), dict(ann_file=str(second))],
    )
    assert len(ds) == 1
    assert ds.data_infos[0]['ann']['labels'].tolist() == [0, 1]
    clash = tmp_path / 'clash.json'
    clash.write_text(
        json.dumps([{**info, 'filename': 'z.jpg', 'ann': {'bboxes': [], 'labels': []}}])
    )
    with pytest.raises(ValueError, match=r"image id 7 names two files, 'a\.jpg' and 'z\.jpg'"):
        build(None, ann_cfg=[dict(ann_file=str(first)), dict(ann_file=str(clash))])


def test_base_saved_dataset_round_trip(ann_file, tmp_path):
    ds = build(ann_file, ann_shot_filter={'cat': 1})
    path = tmp_path / 'work' / '20240101_000000_saved_data.json'
    ds.save_data_infos(str(path))
    saved = json.loads(path.read_text())
    assert saved[0] == {'CLASSES': CLASSES, 'img_prefix': 'imgs/'}
    assert os.listdir(path.parent) == [path.name]  # no temporary file left
    again = build(None, ann_cfg=[dict(type='saved_dataset', ann_file=str(path))])
    assert len(again) == len(ds)
    for a, b in zip(again.data_infos, ds.data_infos, strict=True):
        assert a.keys() == b.keys()
        for key in ('bboxes', 'labels', 'bboxes_ignore', 'labels_ignore'):
            np.testing.assert_array_equal(a['ann'][key], b['ann'][key])
            assert a['ann'][key].dtype == b['ann'][key].dtype
    # reordered classes: labels follow the names
    moved = build(
        None,
        classes=['fox', 'dog', 'cat'],
        ann_cfg=[dict(type='saved_dataset', ann_file=str(path))],
    )
    assert moved.get_ann_info(0)['labels_ignore'].tolist() == [0]  # the fox
    with pytest.raises(ValueError, match="saved class 'cat' is not in classes"):
        build(
            None, classes=['dog', 'fox'], ann_cfg=[dict(type='saved_dataset', ann_file=str(path))]
        )


def test_base_save_is_atomic(ann_file, tmp_path):
    ds = build(ann_file)
    path = tmp_path / 'saved.json'
    path.write_text('previous')
    ds.data_infos[0]['bad'] = object()  # not JSON-serialisable: the dump fails midway
    with pytest.raises(TypeError):
        ds.save_data_infos(str(path))
    assert path.read_text() == 'previous'
    assert sorted(os.listdir(tmp_path)) == ['middle.json', 'saved.json']  # no temporary file


def test_base_pipelines_and_gt_idx(ann_file):
    def tag(name):
        def fn(results):
            results['tag'] = name
            return results

        return fn

    ds = build(ann_file, multi_pipelines={'query': [tag('q')], 'support': [tag('s')]})
    query = ds.prepare_train_img(0, 'query')
    assert query['tag'] == 'q'
    assert query['img_prefix'] == 'imgs/'
    assert query['bbox_fields'] == []
    assert query['ann_info']['labels'].tolist() == [0, 1, 0]
    support = ds.prepare_train_img(0, 'support', gt_idx=[1])
    assert support['tag'] == 's'
    assert support['ann_info']['bboxes'].tolist() == [[30, 5, 60, 40]]
    assert support['img_info']['ann']['labels'].tolist() == [1]
    assert ds.get_ann_info(0)['labels'].tolist() == [0, 1, 0]  # the dataset is unchanged
    with pytest.raises(KeyError, match="has no pipeline 'other'"):
        ds.prepare_train_img(0, 'other')
    with pytest.raises(ValueError, match="pass pipeline_key, one of \\['query', 'support'\\]"):
        ds[0]
    with pytest.raises(ValueError, match='either pipeline or multi_pipelines'):
        build(ann_file, pipeline=[], multi_pipelines={'query': []})


def test_base_getitem_redraws_dropped_items(ann_file):
    seen = []

    def drop_a(results):
        seen.append(results['img_info']['filename'])
        return None if results['img_info']['filename'] == 'a.jpg' else results

    ds = build(ann_file, pipeline=[drop_a])
    assert ds[0]['img_info']['filename'] == 'b.jpg'
    first = list(seen)
    seen.clear()
    ds[0]
    assert seen == first  # deterministic redraw
    test = build(ann_file, pipeline=[lambda r: r], test_mode=True)
    assert 'ann_info' not in test[0]
    assert test[0]['img_info']['filename'] == 'a.jpg'


def test_base_proposals(ann_file, tmp_path):
    props = [np.full((2, 5), i, np.float32) for i in range(3)]
    path = tmp_path / 'props.pkl'
    path.write_bytes(pickle.dumps(props))
    ds = build(ann_file, proposal_file=str(path), pipeline=[lambda r: r])
    assert ds[1]['proposals'][0, 0] == 1  # b.jpg is the second image
    path.write_bytes(pickle.dumps(props[:2]))
    with pytest.raises(ValueError, match='has 2 entries for 3 images'):
        build(ann_file, proposal_file=str(path))


def test_base_repr_lists_instance_counts(ann_file):
    text = repr(build(ann_file, dataset_name='my set'))
    assert 'my set with 2 items' in text
    assert '0 [cat]' in text


@pytest.mark.parametrize(
    ('kwargs', 'error', 'match'),
    [
        (dict(ann_cfg='x.json'), TypeError, 'ann_cfg must be a non-empty list'),
        (dict(ann_cfg=[dict(type='pickle', ann_file='x')]), ValueError, "type='pickle'"),
        (dict(ann_cfg=[dict(type='ann_file')]), TypeError, "with an 'ann_file' key"),
        (dict(classes='NO_SUCH_SPLIT'), KeyError, "unknown class split 'NO_SUCH_SPLIT'"),
        (dict(classes=['cat', 'cat']), ValueError, r"classes repeat \['cat'\]"),
        (dict(classes=None), ValueError, 'classes is required'),
        (dict(ann_shot_filter={'cat': -1}), ValueError, r"ann_shot_filter\['cat'\]=-1"),
    ],
)
def test_base_bad_arguments(ann_file, kwargs, error, match):
    with pytest.raises(error, match=match):
        build(ann_file, **kwargs)


def test_base_bad_middle_format(tmp_path):
    path = tmp_path / 'bad.json'
    path.write_text(
        json.dumps(
            [
                {
                    'filename': 'a.jpg',
                    'width': 5,
                    'height': 5,
                    'ann': {'bboxes': [[1, 2, 3]], 'labels': [0]},
                }
            ]
        )
    )
    with pytest.raises(ValueError, match=r"bad\.json \(item 0\): ann\['bboxes'\] has shape"):
        build(str(path))
    path.write_text(
        json.dumps(
            [
                {
                    'filename': 'a.jpg',
                    'width': 5,
                    'height': 5,
                    'ann': {'bboxes': [[1, 1, 3, 3]], 'labels': [7]},
                }
            ]
        )
    )
    with pytest.raises(ValueError, match='label 7 is out of range for 3 classes'):
        build(str(path))
