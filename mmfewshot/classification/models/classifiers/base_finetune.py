"""Fine-tune based classifiers: pre-train on base classes, fit a new head per task."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mmfewshot.classification.models.utils import episode_class_ids, map_labels
from mmfewshot.registry import MODELS, OPTIMIZERS
from mmfewshot.utils.typing_utils import ConfigType, OptConfigType

from .base import BaseFewShotClassifier


@MODELS.register_module()
class BaseFinetuneClassifier(BaseFewShotClassifier):
    """Trains ``head`` on plain batches; meta-tests with a fresh, fine-tuned ``meta_test_head``.

    Meta-testing (Chen et al., ICLR 2019): :meth:`before_meta_test` freezes
    the backbone (eval mode, no gradients). For each task,
    :meth:`before_forward_support` builds a fresh ``meta_test_head`` from its
    config (weights drawn under a fixed seed, ``support.train.seed``, else
    ``meta_test_cfg.seed``, else 0, in a forked RNG: a task's result does not
    depend on the tasks before it, nor on the process that runs it, and the
    global RNG is left as it was), ``forward(mode='support')`` stores the
    support features, and :meth:`before_forward_query` fine-tunes the head
    on them with ``meta_test_cfg['support']['train']``:
    ``num_steps`` optimiser steps of ``optimizer`` (an mmengine optimizer
    config) on mini-batches of ``meta_test_cfg['support']['batch_size']``
    features, reshuffled every pass (incomplete last batches dropped unless
    fewer samples than a batch exist). The caller runs no optimiser itself.

    Support labels may be any class ids; the head's classes follow their
    sorted order, so labels already mapped to [0, N) keep their meaning.

    Args:
        head: Head used for training (on the base classes).
        meta_test_head: Head config (or module, copied per task) for meta-testing.
        **kwargs: ``backbone``, ``neck``, ``train_cfg``, ``data_preprocessor``,
            ``init_cfg`` of :class:`BaseFewShotClassifier`.
    """

    def __init__(
        self,
        head: ConfigType | nn.Module,
        meta_test_head: OptConfigType | nn.Module = None,
        **kwargs: Any,
    ) -> None:
        if meta_test_head is None:
            raise ValueError(
                f'{type(self).__name__} needs meta_test_head (the head fitted on each '
                "task's support set), e.g. dict(type='LinearHead', num_classes=5, in_channels=1600)"
            )
        super().__init__(head=head, **kwargs)
        self.meta_test_head_cfg = copy.deepcopy(meta_test_head)
        self.meta_test_head: Any = None
        self.register_buffer('support_feats', None, persistent=False)
        self.register_buffer('support_labels', None, persistent=False)
        self.support_feats: Tensor | None
        self.support_labels: Tensor | None

    def _features(self, img: Tensor | None, feats: Tensor | None) -> Tensor:
        if feats is not None:
            return feats
        assert img is not None
        return self.extract_feat(img)

    def forward_train(
        self,
        gt_label: Tensor | None = None,
        img: Tensor | None = None,
        feats: Tensor | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Returns the head's losses on a plain batch.

        Args:
            gt_label: Labels, shape (B,).
            img: Images, shape (B, C, H, W), or
            feats: their features, shape (B, D).
            **kwargs: Ignored (``img_metas``, episodic keys).

        Returns:
            The head's loss dict.
        """
        if gt_label is None or (img is None and feats is None):
            raise ValueError(
                f"{type(self).__name__}.forward(mode='train') needs img (or feats) and gt_label; "
                'train fine-tune methods on plain batches, not episodes'
            )
        assert self.head is not None
        return self.head.forward_train(self._features(img, feats), gt_label)

    def before_meta_test(self, meta_test_cfg: ConfigType, **kwargs: Any) -> None:
        """Checks ``meta_test_cfg['support']['train']`` and freezes the backbone."""
        train_cfg = meta_test_cfg.get('support', {}).get('train')
        if not train_cfg or 'num_steps' not in train_cfg or 'optimizer' not in train_cfg:
            raise ValueError(
                f'{type(self).__name__} needs meta_test_cfg.support.train=dict(num_steps=..., '
                f'optimizer=dict(type=...)) to fine-tune its meta_test_head, got {train_cfg!r}'
            )
        self.meta_test_cfg = copy.deepcopy(dict(meta_test_cfg))
        for module in (self.backbone, self.neck):
            if module is not None:
                module.eval()
                for param in module.parameters():
                    param.requires_grad_(False)

    def _seed(self) -> int:
        cfg = self._require_meta_test_cfg()
        return int(cfg.get('support', {}).get('train', {}).get('seed', cfg.get('seed', 0)))

    def before_forward_support(self, **kwargs: Any) -> None:
        """Builds a fresh ``meta_test_head`` and forgets the previous support set."""
        self._require_meta_test_cfg()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self._seed())
            head: Any
            if isinstance(self.meta_test_head_cfg, nn.Module):
                head = copy.deepcopy(self.meta_test_head_cfg)
            else:
                head = MODELS.build(copy.deepcopy(self.meta_test_head_cfg))
            head.before_forward_support()
        self.meta_test_head = head.to(self.device)
        self.support_feats = None
        self.support_labels = None

    def forward_support(
        self,
        gt_label: Tensor,
        img: Tensor | None = None,
        feats: Tensor | None = None,
        **kwargs: Any,
    ) -> None:
        """Stores the features (B, D) of a support batch and their labels (B,)."""
        with torch.no_grad():
            x = self._features(img, feats).detach()
        labels = gt_label.reshape(-1).to(x.device)
        if self.support_feats is None or self.support_labels is None:
            self.support_feats, self.support_labels = x, labels
        else:
            self.support_feats = torch.cat([self.support_feats, x])
            self.support_labels = torch.cat([self.support_labels, labels])

    def before_forward_query(self, **kwargs: Any) -> None:
        """Fine-tunes ``meta_test_head`` on the stored support features."""
        cfg = self._require_meta_test_cfg()
        if self.meta_test_head is None or self.support_feats is None:
            raise RuntimeError(
                f'{type(self).__name__}: call before_forward_support() and forward the '
                'support set before before_forward_query()'
            )
        assert self.support_labels is not None
        support_cfg = cfg.get('support', {})
        train_cfg = support_cfg['train']
        feats = self.support_feats
        labels = map_labels(self.support_labels, episode_class_ids(self.support_labels))
        batch_size = int(support_cfg.get('batch_size') or feats.size(0))
        head = self.meta_test_head
        head.train()
        optimizer = OPTIMIZERS.build(
            dict(copy.deepcopy(dict(train_cfg['optimizer'])), params=head.parameters())
        )
        batches = _minibatches(feats.size(0), batch_size, self._seed())
        with torch.enable_grad():
            for _ in range(int(train_cfg['num_steps'])):
                index = next(batches).to(feats.device)
                losses = head.forward_support(feats[index], labels[index])
                loss = sum(v for k, v in losses.items() if 'loss' in k)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        head.eval()
        head.before_forward_query()

    def forward_query(
        self, img: Tensor | None = None, feats: Tensor | None = None, **kwargs: Any
    ) -> list[np.ndarray]:
        """Returns the fine-tuned head's scores (N,) for each query sample."""
        if self.meta_test_head is None:
            raise RuntimeError(
                f'{type(self).__name__}: run the support set (before_forward_support, '
                "forward(mode='support'), before_forward_query) before the query set"
            )
        with torch.no_grad():
            return self.meta_test_head.forward_query(self._features(img, feats))


def _minibatches(num: int, batch_size: int, seed: int) -> Iterator[Tensor]:
    """Yields index batches forever: a seeded reshuffle per pass, incomplete batches dropped."""
    generator = torch.Generator().manual_seed(seed)
    size = min(batch_size, num)
    while True:
        order = torch.randperm(num, generator=generator)
        for start in range(0, num - size + 1, size):
            yield order[start : start + size]
