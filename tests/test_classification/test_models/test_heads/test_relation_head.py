import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmfewshot.registry import MODELS


def _episode(channels: int = 2, size: int = 6):
    generator = torch.Generator().manual_seed(0)
    support = torch.randn(4, channels, size, size, generator=generator)
    labels = torch.tensor([8, 8, 1, 1])
    query = torch.randn(3, channels, size, size, generator=generator)
    return support, labels, query


def _manual_logit(head, query_map, prototype_map):
    pair = torch.cat([query_map, prototype_map])[None]  # query channels first
    out = head.layer2(head.layer1(pair)).flatten(1)
    return head.fc2(torch.relu(head.fc1(out)))[0, 0]


def test_relation_head_layer_sizes_match_the_original() -> None:
    conv4 = MODELS.build(dict(type='RelationHead', in_channels=64, feature_size=(19, 19)))
    shapes = {k: tuple(v.shape) for k, v in conv4.state_dict().items()}
    assert shapes['layer1.0.weight'] == (64, 128, 3, 3)
    assert shapes['fc1.weight'] == (8, 576)  # 19 -> 17 -> 8 -> 6 -> 3
    assert conv4.padding == 0
    assert conv4.layer1[1].momentum == 1.0
    small = MODELS.build(dict(type='RelationHead', in_channels=4, feature_size=(5, 5)))
    assert small.padding == 1
    assert small.fc1.weight.shape == (8, 4)  # 5 -> 5 -> 2 -> 2 -> 1


def test_relation_head_scores_pairs_with_query_first() -> None:
    head = MODELS.build(dict(type='RelationHead', in_channels=2, feature_size=(6, 6))).eval()
    support, labels, query = _episode()
    logits = head(support, labels, query)
    assert logits.shape == (3, 2)
    prototypes = [support[2:].mean(0), support[:2].mean(0)]  # sorted ids [1, 8]
    for m in range(3):
        for n in range(2):
            expected = _manual_logit(head, query[m], prototypes[n])
            torch.testing.assert_close(logits[m, n], expected, rtol=1e-5, atol=1e-6)


def test_relation_head_cross_entropy_and_mse_losses() -> None:
    support, labels, query = _episode()
    query_labels = torch.tensor([1, 8, 8])  # episode labels [0, 1, 1]
    ce_head = MODELS.build(dict(type='RelationHead', in_channels=2, feature_size=(6, 6))).eval()
    logits = ce_head(support, labels, query)
    ce = ce_head.forward_train(support, labels, query, query_labels)['loss']
    expected_ce = F.cross_entropy(logits, torch.tensor([0, 1, 1]))
    assert ce.item() == pytest.approx(expected_ce.item(), rel=1e-5)

    mse_head = MODELS.build(
        dict(
            type='RelationHead',
            in_channels=2,
            feature_size=(6, 6),
            loss=dict(type='MSELoss'),
            cal_acc=True,
        )
    ).eval()
    mse_head.load_state_dict(ce_head.state_dict())
    losses = mse_head.forward_train(support, labels, query, query_labels)
    one_hot = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    expected_mse = ((torch.sigmoid(logits) - one_hot) ** 2).mean()
    assert losses['loss'].item() == pytest.approx(expected_mse.item(), rel=1e-5)
    assert 'top-1' in losses['accuracy']


def test_relation_head_meta_test_flow() -> None:
    head = MODELS.build(dict(type='RelationHead', in_channels=2, feature_size=(6, 6))).eval()
    support, labels, query = _episode()
    expected = F.softmax(head(support, labels, query), dim=1)
    head.before_forward_support()
    head.forward_support(support, labels)
    head.before_forward_query()
    np.testing.assert_allclose(
        np.stack(head.forward_query(query)), expected.detach().numpy(), rtol=1e-5
    )


def test_relation_head_rejects_bad_inputs() -> None:
    head = MODELS.build(dict(type='RelationHead', in_channels=2, feature_size=(6, 6)))
    support, labels, _ = _episode()
    with pytest.raises(ValueError, match=r'got feature maps of size \(5, 5\)'):
        head(support[..., :5, :5], labels, support[..., :5, :5])
    with pytest.raises(ValueError, match='supports CrossEntropyLoss and MSELoss'):
        MODELS.build(dict(type='RelationHead', in_channels=2, loss=dict(type='NLLLoss')))
    with pytest.raises(ValueError, match='too small'):
        MODELS.build(dict(type='RelationHead', in_channels=2, feature_size=(1, 1)))
