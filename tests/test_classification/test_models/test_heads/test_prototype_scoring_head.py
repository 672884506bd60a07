import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import Tensor

from mmfewshot.classification.models.heads import PrototypeScoringHead

# Class 5: support (1, 0), (3, 0) -> prototype (2, 0); class 2: (0, 1), (0, 3) -> (0, 2).
SUPPORT = torch.tensor([[1.0, 0.0], [0.0, 1.0], [3.0, 0.0], [0.0, 3.0]])
SUPPORT_LABELS = torch.tensor([5, 2, 5, 2])
QUERY = torch.tensor([[1.0, 2.0], [1.0, 0.0]])
# Dot products with the prototypes, columns in sorted class-id order [2, 5].
EXPECTED_LOGITS = torch.tensor([[4.0, 2.0], [0.0, 2.0]])


class DotProductHead(PrototypeScoringHead):
    """A user's head: only the logits are new."""

    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        return query @ prototypes.t()


def test_a_subclass_defining_only_logits_trains_and_meta_tests() -> None:
    head = DotProductHead()
    torch.testing.assert_close(head(SUPPORT, SUPPORT_LABELS, QUERY), EXPECTED_LOGITS)
    losses = head.forward_train(SUPPORT, SUPPORT_LABELS, QUERY, torch.tensor([2, 5]))
    expected = F.cross_entropy(EXPECTED_LOGITS, torch.tensor([0, 1]))
    assert losses['loss'].item() == pytest.approx(expected.item(), rel=1e-6)

    head.before_forward_support()
    head.forward_support(SUPPORT[:3], SUPPORT_LABELS[:3])
    head.forward_support(SUPPORT[3:], SUPPORT_LABELS[3:])
    head.before_forward_query()
    assert head.class_ids.tolist() == [2, 5]
    scores = head.forward_query(QUERY)
    np.testing.assert_allclose(np.stack(scores), F.softmax(EXPECTED_LOGITS, 1).numpy(), rtol=1e-6)


def test_query_before_support_is_a_named_error() -> None:
    with pytest.raises(RuntimeError, match=r'DotProductHead: call before_forward_query\(\)'):
        DotProductHead().forward_query(QUERY)


def test_the_base_cannot_be_built_without_logits() -> None:
    with pytest.raises(TypeError, match='abstract'):
        PrototypeScoringHead()  # type: ignore[abstract]
