import math

import numpy as np
import pytest
import torch

from mmfewshot.classification.models import NLLLoss
from mmfewshot.registry import MODELS

# Class 0: (1, 0) and (0, 1); class 1: (-1, 0). Query (1, 0) has cosines [1, 0, -1].
SUPPORT = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
SUPPORT_LABELS = torch.tensor([0, 0, 1])
QUERY = torch.tensor([[2.0, 0.0]])
E = math.e
Z = E + 1 + 1 / E  # softmax over the support with T = 1
MEAN_CLASS0 = (E + 1) / 2 / Z
MEAN_CLASS1 = (1 / E) / Z


def test_matching_head_defaults() -> None:
    head = MODELS.build(dict(type='MatchingHead'))
    assert head.temperature == 100.0
    assert isinstance(head.compute_loss, NLLLoss)


def test_matching_head_per_class_mean_attention_by_hand() -> None:
    head = MODELS.build(dict(type='MatchingHead', temperature=1.0))
    p = head(SUPPORT, SUPPORT_LABELS, QUERY)
    torch.testing.assert_close(p, torch.tensor([[MEAN_CLASS0, MEAN_CLASS1]]))


def test_matching_head_training_loss_is_nll_of_log_mean_attention() -> None:
    head = MODELS.build(dict(type='MatchingHead', temperature=1.0))
    loss = head.forward_train(SUPPORT, SUPPORT_LABELS, QUERY, torch.tensor([1]))['loss']
    assert loss.item() == pytest.approx(-math.log(MEAN_CLASS1), rel=1e-6)


def test_matching_head_query_scores_are_normalised_once() -> None:
    head = MODELS.build(dict(type='MatchingHead', temperature=1.0))
    head.before_forward_support()
    head.forward_support(SUPPORT, SUPPORT_LABELS)
    head.before_forward_query()
    (scores,) = head.forward_query(QUERY)
    total = MEAN_CLASS0 + MEAN_CLASS1
    expected = [MEAN_CLASS0 / total, MEAN_CLASS1 / total]
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    # The original applied a second softmax; that would give softmax(expected).
    double = np.exp(expected) / np.exp(expected).sum()
    assert not np.allclose(scores, double)


def test_matching_head_is_stable_with_a_large_temperature() -> None:
    head = MODELS.build(dict(type='MatchingHead'))  # T = 100: exp underflows in float32
    query = torch.tensor([[-1.0, 0.0]])
    loss = head.forward_train(SUPPORT, SUPPORT_LABELS, query, torch.tensor([0]))['loss']
    assert math.isfinite(loss.item())
    # class 0's best cosine is 0 vs 1 for class 1: log p0 = -100 - log 2 (approximately)
    assert loss.item() == pytest.approx(100 + math.log(2), rel=1e-4)
