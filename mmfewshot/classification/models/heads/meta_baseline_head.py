"""Cosine prototype head of Meta-Baseline (Chen et al., ICCV 2021)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmfewshot.registry import MODELS

from .prototype_scoring_head import PrototypeScoringHead


@MODELS.register_module()
class MetaBaselineHead(PrototypeScoringHead):
    """``logits[m, n] = T * cos(query_m, prototype_n)`` with class-mean prototypes.

    Args:
        temperature: Initial scale T.
        learnable_temperature: Make T a parameter (``head.temperature`` in
            checkpoints) instead of a constant.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(
        self, temperature: float = 10.0, learnable_temperature: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if temperature <= 0:
            raise ValueError(f'MetaBaselineHead temperature must be positive, got {temperature}')
        self.temperature: Tensor | float
        if learnable_temperature:
            self.temperature = nn.Parameter(torch.tensor(float(temperature)))
        else:
            self.temperature = float(temperature)

    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        """Returns ``T * cos``: query (M, D), prototypes (N, D) -> (M, N)."""
        cosine = F.normalize(query, dim=-1) @ F.normalize(prototypes, dim=-1).t()
        return self.temperature * cosine
