import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmfewshot.registry import MODELS

DEFAULT_CFG = dict(type='PrototypeHead')
# Two classes (ids 7 and 3) in 2-D: prototypes (0, 3) for class 3 and (1, 0) for class 7.
SUPPORT = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [0.0, 2.0]])
SUPPORT_LABELS = torch.tensor([7, 7, 3, 3])
QUERY = torch.tensor([[1.0, 3.0], [4.0, 4.0]])
# Columns follow the sorted class ids [3, 7].
# query (1, 3): distances 1 to (0, 3), 3 to (1, 0); query (4, 4): sqrt(17) and 5.
EXPECTED_LOGITS = torch.tensor([[-1.0, -3.0], [-math.sqrt(17.0), -5.0]])


def test_prototype_head_logits_are_negative_euclidean_distances() -> None:
    head = MODELS.build(DEFAULT_CFG)
    torch.testing.assert_close(head(SUPPORT, SUPPORT_LABELS, QUERY), EXPECTED_LOGITS)
    scaled = MODELS.build({**DEFAULT_CFG, 'temperature': 2.0})
    torch.testing.assert_close(scaled(SUPPORT, SUPPORT_LABELS, QUERY), 2 * EXPECTED_LOGITS)


def test_prototype_head_training_loss_by_hand() -> None:
    head = MODELS.build({**DEFAULT_CFG, 'cal_acc': True})
    query_labels = torch.tensor([7, 3])  # episode labels [1, 0]
    losses = head.forward_train(SUPPORT, SUPPORT_LABELS, QUERY, query_labels)
    expected = F.cross_entropy(EXPECTED_LOGITS, torch.tensor([1, 0]))
    assert losses['loss'].item() == pytest.approx(expected.item(), rel=1e-6)
    # both queries are nearest to class 3: query 0 (label 7) wrong, query 1 (label 3) right
    assert losses['accuracy']['top-1'].item() == pytest.approx(50.0)


def test_prototype_head_meta_test_flow_matches_training_scores() -> None:
    head = MODELS.build(DEFAULT_CFG)
    head.before_forward_support()
    head.forward_support(SUPPORT[:2], SUPPORT_LABELS[:2])
    head.forward_support(SUPPORT[2:], SUPPORT_LABELS[2:])
    head.before_forward_query()
    assert head.class_ids.tolist() == [3, 7]
    scores = head.forward_query(QUERY)
    assert len(scores) == 2
    np.testing.assert_allclose(
        np.stack(scores), F.softmax(EXPECTED_LOGITS, dim=1).numpy(), rtol=1e-6
    )
    # The cached support lives in non-persistent buffers: never in checkpoints.
    assert head.state_dict() == {}
    assert set(dict(head.named_buffers())) == {
        'support_feats',
        'support_labels',
        'prototypes',
        'class_ids',
    }
    head.before_forward_support()
    assert head.prototypes is None
    assert head.support_feats is None


def test_prototype_head_query_before_support_is_an_error() -> None:
    head = MODELS.build(DEFAULT_CFG)
    with pytest.raises(RuntimeError, match='has no support set'):
        head.before_forward_query()
    with pytest.raises(RuntimeError, match='call before_forward_query'):
        head.forward_query(QUERY)


def test_prototype_head_rejects_non_positive_temperature() -> None:
    with pytest.raises(ValueError, match='temperature must be positive'):
        MODELS.build({**DEFAULT_CFG, 'temperature': 0})
