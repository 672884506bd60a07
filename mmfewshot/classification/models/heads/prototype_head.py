"""Prototype head of ProtoNet (Snell et al., NeurIPS 2017)."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from mmfewshot.registry import MODELS

from .prototype_scoring_head import PrototypeScoringHead


@MODELS.register_module()
class PrototypeHead(PrototypeScoringHead):
    """Scores queries by their negative Euclidean distance to the class means.

    ``logits[m, n] = -T * ||query_m - prototype_n||_2`` (the distance, not
    its square, as in the original MMFewShot). Columns follow the sorted
    support class ids.

    Args:
        temperature: Positive scale T of the logits.
        **kwargs: ``loss``, ``topk``, ``cal_acc``, ``init_cfg`` of :class:`BaseFewShotHead`.
    """

    def __init__(self, temperature: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if temperature <= 0:
            raise ValueError(f'PrototypeHead temperature must be positive, got {temperature}')
        self.temperature = float(temperature)

    def logits(self, prototypes: Tensor, query: Tensor) -> Tensor:
        """Returns ``-T * cdist(query, prototypes)``: (M, D), (N, D) -> (M, N)."""
        return -self.temperature * torch.cdist(query, prototypes)
