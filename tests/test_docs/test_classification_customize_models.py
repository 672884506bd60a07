"""docs/classification/customize_models.md: a user backbone, head, classifier and loss."""

from __future__ import annotations

import contextlib
import io
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmfewshot.registry import MODELS

PAGE = 'classification/customize_models.md'
USER_NAMES = (
    'TinyConvNet',
    'CosinePrototypeHead',
    'NormalizedProtoNet',
    'SmoothedCrossEntropyLoss',
)


@pytest.fixture
def user_project(snippets, tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """`my_project/my_backbone.py` and the page's config on sys.path; unregisters afterwards."""
    page = snippets(PAGE)
    package = tmp_path / 'my_project'
    package.mkdir()
    (package / '__init__.py').write_text('')
    (package / 'my_backbone.py').write_text(page.python['my_backbone'] + '\n')
    page.write_configs(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in USER_NAMES:
        MODELS._module_dict.pop(name, None)
    for module in [m for m in sys.modules if m.startswith('my_project')]:
        del sys.modules[module]


def test_backbone_from_custom_imports(user_project: Path) -> None:
    assert 'TinyConvNet' not in MODELS
    cfg = Config.fromfile(str(user_project / 'tiny_proto_net.py'))
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'TinyConvNet'
    assert model(img=torch.randn(2, 3, 32, 32), mode='extract_feat').shape == (2, 64)


def test_head_classifier_and_train_step(snippets, run_python, user_project: Path) -> None:
    page = snippets(PAGE)
    Config.fromfile(str(user_project / 'tiny_proto_net.py'))  # registers TinyConvNet
    namespace = run_python(page.python['my_head'], 'my_head')
    namespace = run_python(page.python['my_classifier'], 'my_classifier', given=namespace)
    torch.manual_seed(0)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(page.python['train_step'], 'train_step', given=namespace)
    assert stdout.getvalue() == "['loss']\n"
    assert math.isfinite(namespace['log_vars']['loss'].item())

    model = namespace['model']
    model.eval()
    head = model.head
    support, query = torch.randn(10, 32), torch.randn(4, 32)
    labels = torch.tensor([7, 7, 3, 3, 9, 9, 1, 1, 5, 5])  # class ids, not 0..N-1
    # training loss by hand: columns follow the sorted class ids 1, 3, 5, 7, 9
    prototypes = torch.stack([support[labels == c].mean(0) for c in (1, 3, 5, 7, 9)])
    logits = 10.0 * F.normalize(query, dim=1) @ F.normalize(prototypes, dim=1).t()
    query_labels = torch.tensor([9, 1, 3, 3])
    expected = F.cross_entropy(logits, torch.tensor([4, 0, 1, 1]))
    loss = head.forward_train(support, labels, query, query_labels)['loss']
    assert torch.allclose(loss, expected, atol=1e-6)

    # meta-test protocol through the classifier's modes, on images
    images, image_labels = torch.randn(10, 3, 32, 32), labels
    queries = torch.randn(4, 3, 32, 32)
    model.before_meta_test(dict(num_ways=5))
    model.before_forward_support()
    model(img=images, gt_label=image_labels, mode='support')
    model.before_forward_query()
    scores = model(img=queries, mode='query')
    with torch.no_grad():
        feats = F.normalize(model.backbone(images), dim=1)
        qfeats = F.normalize(model.backbone(queries), dim=1)
    protos = torch.stack([feats[image_labels == c].mean(0) for c in (1, 3, 5, 7, 9)])
    expected_scores = F.softmax(10.0 * qfeats @ F.normalize(protos, dim=1).t(), dim=1)
    assert len(scores) == 4
    assert torch.allclose(torch.from_numpy(np.stack(scores)), expected_scores, atol=1e-5)


def test_train_step_updates_the_weights(snippets, run_python, user_project: Path) -> None:
    page = snippets(PAGE)
    Config.fromfile(str(user_project / 'tiny_proto_net.py'))
    namespace = run_python(page.python['my_head'], 'my_head')
    namespace = run_python(page.python['my_classifier'], 'my_classifier', given=namespace)
    code = page.python['train_step'].replace(
        'log_vars = model.train_step',
        'before = [p.detach().clone() for p in model.parameters()]\nlog_vars = model.train_step',
    )
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = run_python(code, 'train_step', given=namespace)
    after = list(namespace['model'].parameters())
    assert any(not torch.equal(b, a) for b, a in zip(namespace['before'], after, strict=True))


def test_loss_matches_hand_computed_smoothing(snippets, run_python) -> None:
    try:
        namespace = run_python(snippets(PAGE).python['my_loss'], 'my_loss')
        head = MODELS.build(namespace['head'])
        assert type(head.compute_loss).__name__ == 'SmoothedCrossEntropyLoss'
        scores = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
        labels = torch.tensor([0, 2])
        log_p = torch.log_softmax(scores, dim=1)
        # (1 - eps) * NLL of the label + eps * mean over classes of -log p
        per_sample = [0.9 * -log_p[i, labels[i]] + 0.1 * -log_p[i].mean() for i in range(2)]
        expected = (per_sample[0] + per_sample[1]) / 2
        assert torch.allclose(head.loss(scores, labels)['loss'], expected, atol=1e-6)
    finally:
        MODELS._module_dict.pop('SmoothedCrossEntropyLoss', None)
