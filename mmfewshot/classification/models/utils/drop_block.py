"""DropBlock: structured dropout of square regions (Ghiasi et al., NeurIPS 2018)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class DropBlock(nn.Module):
    """Zeroes random ``block_size`` x ``block_size`` squares of a feature map.

    Each position whose block fits inside the map is a block seed with
    probability ``gamma`` (given per call, because ResNet-12 anneals it);
    the kept activations are rescaled by ``numel / kept`` so the expected sum
    is unchanged. Identity in eval mode or when ``gamma`` is 0.

    Args:
        block_size: Side of the dropped squares; clipped to the map size.
    """

    def __init__(self, block_size: int) -> None:
        super().__init__()
        if block_size < 1:
            raise ValueError(f'DropBlock block_size must be >= 1, got {block_size}')
        self.block_size = block_size

    def forward(self, x: Tensor, gamma: float) -> Tensor:
        """Drops blocks of ``x``.

        Args:
            x: Feature map, shape (B, C, H, W).
            gamma: Probability that a valid position seeds a dropped block.

        Returns:
            The masked and rescaled map, shape (B, C, H, W).
        """
        if not self.training or gamma <= 0:
            return x
        B, C, H, W = x.shape
        size = min(self.block_size, H, W)
        seeds = torch.bernoulli(
            torch.full((B, C, H - size + 1, W - size + 1), gamma, device=x.device, dtype=x.dtype)
        )
        # A seed at (i, j) covers rows i..i+size-1 and columns j..j+size-1.
        padded = F.pad(seeds, (size - 1, size - 1, size - 1, size - 1))
        dropped = F.max_pool2d(padded, kernel_size=size, stride=1)  # (B, C, H, W)
        keep = 1.0 - dropped
        kept = keep.sum()
        if kept == 0:
            return x * keep
        return x * keep * (keep.numel() / kept)


def drop_block_gamma(
    drop_rate: float, block_size: int, feat_size: int, num_batches_tracked: int
) -> float:
    """Seed probability of DropBlock with a linearly annealed keep rate (ResNet-12 schedule).

    The keep rate falls from 1 to ``1 - drop_rate`` over the first 40,000
    training batches: ``keep = max(1 - drop_rate * t / 40000, 1 - drop_rate)``,
    then ``gamma = (1 - keep) / b**2 * s**2 / (s - b + 1)**2`` for block size
    ``b`` (clipped to the map) and map size ``s``.

    Args:
        drop_rate: Final fraction of dropped activations.
        block_size: Requested block side.
        feat_size: Side of the (square) feature map.
        num_batches_tracked: Training batches seen so far.

    Returns:
        The seed probability for :class:`DropBlock`.
    """
    keep_rate = max(1.0 - drop_rate / (20 * 2000) * num_batches_tracked, 1.0 - drop_rate)
    size = min(block_size, feat_size)
    return (1.0 - keep_rate) / size**2 * feat_size**2 / (feat_size - size + 1) ** 2
