import pytest
import torch

from mmfewshot.classification.models.utils import (
    compute_prototypes,
    episode_class_ids,
    map_labels,
)


def test_episode_class_ids_are_sorted_unique() -> None:
    assert episode_class_ids(torch.tensor([9, 2, 9, 5, 2])).tolist() == [2, 5, 9]


def test_map_labels_gives_positions() -> None:
    class_ids = torch.tensor([2, 5, 9])
    assert map_labels(torch.tensor([9, 2, 5, 5]), class_ids).tolist() == [2, 0, 1, 1]


def test_map_labels_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match=r'labels \[7\] are not among the support classes'):
        map_labels(torch.tensor([2, 7]), torch.tensor([2, 5]))


def test_compute_prototypes_by_hand() -> None:
    feats = torch.tensor([[0.0, 2.0], [2.0, 4.0], [10.0, 10.0], [1.0, 1.0]])
    labels = torch.tensor([3, 3, 8, 1])
    protos = compute_prototypes(feats, labels)
    assert protos.tolist() == [[1.0, 1.0], [1.0, 3.0], [10.0, 10.0]]
    maps = feats.reshape(4, 2, 1, 1)
    assert compute_prototypes(maps, labels).shape == (3, 2, 1, 1)
    explicit = compute_prototypes(feats, labels, torch.tensor([8, 3]))
    assert explicit.tolist() == [[10.0, 10.0], [1.0, 3.0]]
