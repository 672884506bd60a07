import torch

from mmfewshot.classification.models import RelationHead
from mmfewshot.registry import MODELS


def test_relation_net_default_head_fits_conv4_no_pool_on_84x84() -> None:
    model = MODELS.build(dict(type='RelationNet', backbone=dict(type='Conv4NoPool'))).eval()
    assert isinstance(model.head, RelationHead)
    assert model.head.feature_size == (19, 19)
    support = dict(img=torch.randn(2, 3, 84, 84), gt_label=torch.tensor([3, 8]))
    query = dict(img=torch.randn(2, 3, 84, 84), gt_label=torch.tensor([8, 3]))
    losses = model(support_data=support, query_data=query, mode='train')
    assert torch.isfinite(losses['loss'])
