import numpy as np
import torch
from torch import nn

from mmfewshot.classification.models import PrototypeHead
from mmfewshot.registry import MODELS


def test_proto_net_classifies_queries_by_nearest_prototype() -> None:
    model = MODELS.build(dict(type='ProtoNet', backbone=nn.Flatten()))
    assert isinstance(model.head, PrototypeHead)
    # 1x1x2 "images": the features are the pixels themselves.
    support = torch.tensor([[0.0, 0.0], [0.0, 2.0], [5.0, 5.0], [7.0, 5.0]]).reshape(4, 1, 1, 2)
    labels = torch.tensor([0, 0, 1, 1])
    query = torch.tensor([[1.0, 1.0], [5.0, 4.0]]).reshape(2, 1, 1, 2)
    model.before_meta_test(dict(num_ways=2))
    model.before_forward_support()
    model(img=support, gt_label=labels, mode='support')
    model.before_forward_query()
    scores = np.stack(model(img=query, mode='query'))
    assert scores.argmax(1).tolist() == [0, 1]
    # prototypes (0, 1) and (6, 5): query (1, 1) is at distances 1 and sqrt(41)
    expected = np.exp([-1.0, -(41**0.5)])
    np.testing.assert_allclose(scores[0], expected / expected.sum(), rtol=1e-5)
