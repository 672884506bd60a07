from __future__ import annotations

import numpy as np
import pytest

from mmfewshot.classification.datasets import BaseFewShotDataset
from mmfewshot.registry import DATASETS

NAMES = ['cat', 'cat', 'dog', 'dog', 'dog', 'fox']
LABELS = [0, 0, 1, 1, 1, 2]


class ToyDataset(BaseFewShotDataset):
    CLASSES = ('cat', 'dog', 'fox')

    def load_annotations(self) -> list[dict]:
        return [
            {
                'img_prefix': None,
                'img_info': {'filename': f'{i}.png'},
                'gt_label': np.int64(self.class_to_idx[name]),
            }
            for i, name in enumerate(NAMES)
            if name in self.class_to_idx
        ]


def add_marker(results: dict) -> dict:
    results['marker'] = results['img_info']['filename']
    results['img_info']['filename'] = 'changed'
    return results


def make(**kwargs) -> ToyDataset:
    return ToyDataset(data_prefix='unused', pipeline=[add_marker], **kwargs)


# Scores of 4 samples over 3 classes and their labels (hand-checked below).
SCORES = [
    np.array([0.7, 0.2, 0.1]),  # label 0: top-1 hit (0.7)
    np.array([0.3, 0.6, 0.1]),  # label 0: top-1 miss, top-2 hit (0.3)
    np.array([0.2, 0.3, 0.5]),  # label 2: top-1 hit (0.5)
    np.array([0.1, 0.5, 0.4]),  # label 2: top-1 miss, top-2 hit (0.4)
]
GT = np.array([0, 0, 2, 2])


def test_base_dataset_is_registered_and_abstract() -> None:
    assert DATASETS.get('BaseFewShotDataset') is BaseFewShotDataset
    with pytest.raises(TypeError, match='abstract'):
        BaseFewShotDataset(data_prefix='x', pipeline=[])


def test_base_dataset_indexes_images_per_class() -> None:
    dataset = make()
    assert dataset.CLASSES == ['cat', 'dog', 'fox']
    assert dataset.class_to_idx == {'cat': 0, 'dog': 1, 'fox': 2}
    assert len(dataset) == 6
    assert dataset.data_infos_class_dict == {0: [0, 1], 1: [2, 3, 4], 2: [5]}
    labels = dataset.get_gt_labels()
    assert labels.dtype == np.int64
    assert labels.tolist() == LABELS


def test_base_dataset_getitem_runs_pipeline_on_a_copy() -> None:
    dataset = make()
    item = dataset[3]
    assert item['marker'] == '3.png'
    assert item['gt_label'] == 1
    assert dataset.data_infos[3]['img_info']['filename'] == '3.png'
    assert dataset.prepare_data(0)['marker'] == '0.png'


def test_get_classes_accepts_list_file_or_none(tmp_path) -> None:
    subset = make(classes=('fox', 'cat'))
    assert subset.CLASSES == ['fox', 'cat']
    assert subset.get_gt_labels().tolist() == [1, 1, 0]
    assert subset.data_infos_class_dict == {0: [2], 1: [0, 1]}
    class_file = tmp_path / 'classes.txt'
    class_file.write_text('dog\n\n fox \ncat\n')
    dataset = make(classes=str(class_file))
    assert dataset.CLASSES == ['dog', 'fox', 'cat']
    assert dataset.class_to_idx['cat'] == 2
    assert make().get_classes(None) == ['cat', 'dog', 'fox']


def test_get_classes_rejects_bad_input(tmp_path) -> None:
    dataset = make()
    with pytest.raises(FileNotFoundError, match=r'classes file .*missing\.txt.* does not exist'):
        dataset.get_classes(str(tmp_path / 'missing.txt'))
    with pytest.raises(TypeError, match='classes must be None, a list/tuple'):
        dataset.get_classes(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lists 'cat' twice"):
        dataset.get_classes(['cat', 'dog', 'cat'])
    with pytest.raises(ValueError, match='classes is empty'):
        dataset.get_classes([])


def test_sample_shots_by_class_id_draws_distinct_indices_of_the_class() -> None:
    dataset = make()
    np.random.seed(3)
    shots = dataset.sample_shots_by_class_id(1, 3)
    assert sorted(shots.tolist()) == [2, 3, 4]
    np.random.seed(5)
    first = dataset.sample_shots_by_class_id(1, 2).tolist()
    np.random.seed(5)
    assert dataset.sample_shots_by_class_id(1, 2).tolist() == first
    assert len(set(first)) == 2
    assert set(first) <= {2, 3, 4}
    # The global generator drives it, as np.random.choice(..., replace=False) does.
    np.random.seed(5)
    assert first == np.random.choice([2, 3, 4], 2, replace=False).tolist()


def test_sample_shots_by_class_id_rejects_too_many_shots_or_unknown_class() -> None:
    dataset = make()
    with pytest.raises(ValueError, match=r"class 'fox' \(id 2\) has 1 images, fewer than the 2"):
        dataset.sample_shots_by_class_id(2, 2)
    with pytest.raises(KeyError, match=r'class_id=7 is not a label'):
        dataset.sample_shots_by_class_id(7, 1)


def test_evaluate_accuracy_topk_and_thresholds() -> None:
    evaluate = BaseFewShotDataset.evaluate
    assert evaluate(SCORES, GT) == {'accuracy': 50.0}
    assert evaluate(SCORES, GT, metric_options={'topk': (1, 2)}) == {
        'accuracy_top-1': 50.0,
        'accuracy_top-2': 100.0,
    }
    # thr 0.55: only sample 0 has its hit scored above 0.55.
    assert evaluate(SCORES, GT, metric_options={'topk': 2, 'thrs': 0.55}) == {'accuracy': 25.0}
    result = evaluate(SCORES, GT, metric_options={'topk': (1, 2), 'thrs': (0.45, 0.55)})
    assert result == {
        'accuracy_top-1_thr_0.45': 50.0,
        'accuracy_top-1_thr_0.55': 25.0,
        'accuracy_top-2_thr_0.45': 50.0,  # the top-2 hits of samples 1 and 3 score 0.3, 0.4
        'accuracy_top-2_thr_0.55': 25.0,
    }
    # Results may also come as (1, C) rows.
    assert evaluate([s[None] for s in SCORES], GT)['accuracy'] == 50.0


def test_evaluate_without_threshold_counts_non_positive_scores() -> None:
    logits = [np.array([-1.0, -2.0]), np.array([-3.0, -0.5])]
    assert BaseFewShotDataset.evaluate(logits, np.array([0, 0])) == {'accuracy': 50.0}


def test_evaluate_precision_recall_f1_support() -> None:
    # Predictions 0, 1, 2, 1 against labels 0, 0, 2, 2:
    # class 0: TP 1 of 1 predicted, 2 true -> P 100, R 50, F1 200/3
    # class 1: TP 0 of 2 predicted, 0 true -> P 0, R 0, F1 0
    # class 2: TP 1 of 1 predicted, 2 true -> P 100, R 50, F1 200/3
    metrics = ['precision', 'recall', 'f1_score', 'support']
    result = BaseFewShotDataset.evaluate(SCORES, GT, metric=metrics)
    assert set(result) == set(metrics)
    assert result['precision'] == pytest.approx(200 / 3)
    assert result['recall'] == pytest.approx(100 / 3)
    assert result['f1_score'] == pytest.approx(400 / 9)
    assert result['support'] == 4.0

    per_class = BaseFewShotDataset.evaluate(
        SCORES, GT, metric=metrics, metric_options={'average_mode': 'none'}
    )
    np.testing.assert_allclose(per_class['precision'], [100, 0, 100])
    np.testing.assert_allclose(per_class['recall'], [50, 0, 50])
    np.testing.assert_allclose(per_class['f1_score'], [200 / 3, 0, 200 / 3])
    np.testing.assert_allclose(per_class['support'], [2, 0, 2])


def test_evaluate_precision_with_thresholds() -> None:
    # thr 0.55 keeps the predictions of samples 0 (class 0, right) and 1 (class 1, wrong):
    # P = (100 + 0 + 0) / 3, R = (50 + 0 + 0) / 3, F1 = (200/3) / 3.
    result = BaseFewShotDataset.evaluate(
        SCORES, GT, metric=['precision', 'recall', 'f1_score'], metric_options={'thrs': 0.55}
    )
    assert result['precision'] == pytest.approx(100 / 3)
    assert result['recall'] == pytest.approx(50 / 3)
    assert result['f1_score'] == pytest.approx(200 / 9)
    tuple_result = BaseFewShotDataset.evaluate(
        SCORES, GT, metric='precision', metric_options={'thrs': (0.45, 0.55)}
    )
    assert tuple_result == {
        'precision_thr_0.45': pytest.approx(200 / 3),
        'precision_thr_0.55': pytest.approx(100 / 3),
    }


def test_evaluate_rejects_bad_arguments() -> None:
    evaluate = BaseFewShotDataset.evaluate
    with pytest.raises(ValueError, match="metric 'mAP' is not supported; use one of accuracy"):
        evaluate(SCORES, GT, metric='mAP')
    with pytest.raises(ValueError, match="average_mode='micro' is not supported"):
        evaluate(SCORES, GT, metric='precision', metric_options={'average_mode': 'micro'})
    with pytest.raises(ValueError, match='got 4 results but 3 gt_labels'):
        evaluate(SCORES, GT[:3])
    with pytest.raises(ValueError, match=r'topk=\(4,\) is invalid for 3 classes'):
        evaluate(SCORES, GT, metric_options={'topk': 4})
    with pytest.raises(TypeError, match=r'metric_options\["topk"\]=\(1, 2.0\) must be an int'):
        evaluate(SCORES, GT, metric_options={'topk': (1, 2.0)})
    with pytest.raises(TypeError, match=r'metric_options\["thrs"\]=\(None,\) must be a number'):
        evaluate(SCORES, GT, metric_options={'thrs': (None,)})
    with pytest.raises(ValueError, match=r'gt_labels must lie in \[0, 3\)'):
        evaluate(SCORES, np.array([0, 0, 2, 3]))
