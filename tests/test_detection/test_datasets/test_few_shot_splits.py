import json
from pathlib import Path

import numpy as np
import pytest

from mmfewshot.detection.datasets import (
    COCO_SPLIT,
    generate_coco_few_shot_splits,
    generate_voc_few_shot_splits,
)
from mmfewshot.detection.datasets.few_shot_splits import pick_nested_shots, split_dir
from mmfewshot.registry import DATASETS


def test_pick_nested_shots_is_exact_nested_and_seeded():
    counts = [2, 1, 3, 1, 1, 2, 1, 4, 1, 2]
    candidates = [(f'img{i}', c) for i, c in enumerate(counts)]
    draws = []
    for seed in range(5):
        chosen = pick_nested_shots(candidates, [1, 2, 3, 5, 10], np.random.default_rng(seed))
        count = dict(candidates)
        for shot, keys in chosen.items():
            assert sum(count[k] for k in keys) == shot
        assert chosen[1] == chosen[2][: len(chosen[1])]  # nested
        assert set(chosen[5]) <= set(chosen[10])
        again = pick_nested_shots(candidates, [1, 2, 3, 5, 10], np.random.default_rng(seed))
        assert again == chosen
        draws.append(tuple(chosen[10]))
    assert len(set(draws)) > 1


def test_pick_nested_shots_prefers_exact_over_nested():
    # 1 + 1 + 2 instances: after {1}, {1, 1}, the 3-shot set cannot extend {1, 1}
    # exactly; it is a fresh exact choice {1, 2} instead.
    candidates = [('a', 1), ('b', 1), ('c', 2)]
    for seed in range(8):
        chosen = pick_nested_shots(candidates, [1, 2, 3], np.random.default_rng(seed))
        count = dict(candidates)
        assert [sum(count[k] for k in chosen[s]) for s in (1, 2, 3)] == [1, 2, 3]


def test_pick_nested_shots_overshoots_with_a_warning_and_rejects_too_few():
    candidates = [('a', 2), ('b', 3)]
    with pytest.warns(UserWarning, match="class 'x': no image choice gives exactly 1 instances"):
        chosen = pick_nested_shots(candidates, [1], np.random.default_rng(0), 'x')
    assert chosen[1] == ['a']  # the image with the fewest instances
    with pytest.raises(ValueError, match=r"class 'x' has only 5 instances.*fewer than 10 shots"):
        pick_nested_shots(candidates, [10], np.random.default_rng(0), 'x')


def test_split_dir_layout():
    assert split_dir('out', 5, 0) == 'out/benchmark_5shot'
    assert split_dir('out', 5, 3) == 'out/seed3/benchmark_5shot'


def test_voc_splits_have_k_instances_and_load_in_the_voc_dataset(voc_many):
    out = voc_many / 'data' / 'few_shot_ann' / 'voc'
    written = generate_voc_few_shot_splits(
        str(voc_many / 'VOCdevkit'),
        ['VOC2007/ImageSets/Main/trainval.txt'],
        str(out),
        classes=['bird', 'cow'],
        shots=[1, 2, 3],
        seeds=[0, 2],
    )
    assert len(written) == 2 * 3 * 2
    for seed in (0, 2):
        for shot in (1, 2, 3):
            path = out / ('' if seed == 0 else f'seed{seed}') / f'benchmark_{shot}shot'
            lines = (path / f'box_{shot}shot_bird_train.txt').read_text().split()
            assert all(line.startswith('VOC2007/JPEGImages/') for line in lines)
            ds = DATASETS.build(
                dict(
                    type='FewShotVOCDataset',
                    classes='ALL_CLASSES_SPLIT1',
                    img_prefix=str(voc_many / 'VOCdevkit'),
                    ann_cfg=[
                        dict(
                            type='ann_file',
                            ann_file=str(path / f'box_{shot}shot_bird_train.txt'),
                            ann_classes=['bird'],
                        )
                    ],
                )
            )
            # exactly K non-difficult instances (the difficult one is ignored)
            assert sum(len(i['ann']['labels']) for i in ds.data_infos) == shot
    # deterministic: the same call writes the same files
    before = {p: Path(p).read_text() for p in written}
    generate_voc_few_shot_splits(
        str(voc_many / 'VOCdevkit'),
        ['VOC2007/ImageSets/Main/trainval.txt'],
        str(out),
        classes=['bird', 'cow'],
        shots=[1, 2, 3],
        seeds=[0, 2],
    )
    assert {p: Path(p).read_text() for p in written} == before


def test_voc_splits_errors(voc_many):
    with pytest.raises(FileNotFoundError, match=r"image list '.*nope\.txt' does not exist"):
        generate_voc_few_shot_splits(str(voc_many / 'VOCdevkit'), ['nope.txt'], str(voc_many))
    with pytest.raises(ValueError, match="class 'bird' has only 4 instances"):
        generate_voc_few_shot_splits(
            str(voc_many / 'VOCdevkit'),
            ['VOC2007/ImageSets/Main/trainval.txt'],
            str(voc_many),
            classes=['bird'],
            shots=[5],
        )
    with pytest.raises(ValueError, match=r'shots=\[0\] must be positive'):
        generate_voc_few_shot_splits(str(voc_many), [], str(voc_many), shots=[0])


def test_coco_splits_have_k_instances_and_load_in_the_coco_dataset(
    tmp_path, make_coco, coco_ann_fn
):
    names = list(COCO_SPLIT['ALL_CLASSES'])
    cats = [{'id': i + 1, 'name': n} for i, n in enumerate(names)]
    images, anns = [], []
    for k in range(1, 7):
        images.append(
            {'id': k, 'file_name': f'COCO_train2014_{k:012d}.jpg', 'width': 50, 'height': 50}
        )
        anns.append(coco_ann_fn(100 + k, k, 1, [1, 1, 10, 10]))  # a person in every image
        if k % 2:
            anns.append(coco_ann_fn(200 + k, k, 1, [20, 20, 10, 10]))  # a second person
            anns.append(coco_ann_fn(300 + k, k, 1, [0, 0, 30, 30], iscrowd=1))  # not counted
        anns.append(coco_ann_fn(400 + k, k, 3, [5, 5, 5, 5]))  # a car
    src = make_coco(tmp_path / 'train.json', images, anns, cats)
    out = tmp_path / 'data' / 'few_shot_ann' / 'coco'
    written = generate_coco_few_shot_splits(
        src, str(out), classes=['person', 'car'], shots=[2, 5], seeds=[0, 1]
    )
    assert len(written) == 2 * 2 * 2
    path = out / 'seed1' / 'benchmark_5shot' / 'full_box_5shot_person_trainval.json'
    data = json.loads(path.read_text())
    assert {a['category_id'] for a in data['annotations']} == {1}
    assert len(data['categories']) == 80
    ds = DATASETS.build(
        dict(
            type='FewShotCocoDataset',
            classes='ALL_CLASSES',
            ann_cfg=[dict(type='ann_file', ann_file=str(path))],
        )
    )
    assert sum(len(i['ann']['labels']) for i in ds.data_infos) == 5
    assert ds.data_infos[0]['filename'].startswith('train2014/')
    with pytest.raises(ValueError, match=r"classes \['unicorn'\] are not among its categories"):
        generate_coco_few_shot_splits(src, str(out), classes=['unicorn'])
