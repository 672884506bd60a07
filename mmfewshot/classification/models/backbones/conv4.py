"""Conv-4 style backbones: stacks of conv3x3(64)-BN-ReLU(-MaxPool) blocks.

The four-block network is the standard few-shot backbone of Vinyals et al.
(NeurIPS 2016) and Snell et al. (NeurIPS 2017); ``Conv4NoPool`` keeps the
spatial map for RelationNet (Sung et al., CVPR 2018).
"""

from __future__ import annotations

from collections.abc import Sequence

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import OptMultiConfig


class _ConvBlock(nn.Module):
    """conv3x3 -> BN -> ReLU (-> MaxPool2d(2)), held in ``self.layers``."""

    def __init__(self, in_channels: int, out_channels: int, padding: int, pooling: bool) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=padding),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
        if pooling:
            layers.append(nn.MaxPool2d(2))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)


def _check_blocks(name: str, blocks: Sequence[int], depth: int) -> tuple[int, ...]:
    blocks = tuple(int(b) for b in blocks)
    bad = [b for b in blocks if not 0 <= b < depth]
    if bad:
        raise ValueError(
            f'ConvNet {name}={blocks} has block indices {bad} outside [0, {depth}); '
            f'use indices below depth={depth}'
        )
    return blocks


@MODELS.register_module()
class ConvNet(BaseModule):
    """A stack of ``depth`` conv3x3-BN-ReLU blocks with 64 channels.

    Block ``i`` pads its convolution by 1 if ``i`` is in ``padding_blocks``
    and ends with a 2x2 max-pool if ``i`` is in ``pooling_blocks``.

    Args:
        depth: Number of blocks.
        pooling_blocks: Indices of the blocks that max-pool.
        padding_blocks: Indices of the blocks that pad their convolution.
        flatten: Return (B, D) features instead of (B, 64, H', W') maps.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.

    Examples:
        >>> import torch
        >>> ConvNet(depth=4, pooling_blocks=(0, 1, 2, 3), padding_blocks=(0, 1, 2, 3))(
        ...     torch.zeros(2, 3, 84, 84)).shape
        torch.Size([2, 1600])
    """

    out_channels = 64

    def __init__(
        self,
        depth: int,
        pooling_blocks: Sequence[int],
        padding_blocks: Sequence[int],
        flatten: bool = True,
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth < 1:
            raise ValueError(f'ConvNet depth must be a positive integer, got {depth}')
        pooling = _check_blocks('pooling_blocks', pooling_blocks, depth)
        padding = _check_blocks('padding_blocks', padding_blocks, depth)
        self.depth = depth
        self.flatten = flatten
        blocks = [
            _ConvBlock(
                in_channels if i == 0 else self.out_channels,
                self.out_channels,
                padding=1 if i in padding else 0,
                pooling=i in pooling,
            )
            for i in range(depth)
        ]
        self.layers = nn.Sequential(*blocks)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Extracts features.

        Args:
            x: Images, shape (B, C, H, W).

        Returns:
            Features, shape (B, D) if ``flatten`` else (B, 64, H', W').
        """
        x = self.layers(x)
        if self.flatten:
            x = x.flatten(1)
        return x


@MODELS.register_module()
class Conv4(ConvNet):
    """Four pooling, padded blocks: an 84x84 image gives 64x5x5 = 1600 features.

    Args:
        depth: Number of blocks.
        pooling_blocks: Indices of the blocks that max-pool.
        padding_blocks: Indices of the blocks that pad their convolution.
        flatten: Return (B, D) features instead of (B, 64, H', W') maps.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.
    """

    def __init__(
        self,
        depth: int = 4,
        pooling_blocks: Sequence[int] = (0, 1, 2, 3),
        padding_blocks: Sequence[int] = (0, 1, 2, 3),
        flatten: bool = True,
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(depth, pooling_blocks, padding_blocks, flatten, in_channels, init_cfg)


@MODELS.register_module()
class Conv4NoPool(ConvNet):
    """Conv4 that pools and skips padding in the first two blocks only (RelationNet).

    An 84x84 image gives a (64, 19, 19) map.

    Args:
        depth: Number of blocks.
        pooling_blocks: Indices of the blocks that max-pool.
        padding_blocks: Indices of the blocks that pad their convolution.
        flatten: Return (B, D) features instead of (B, 64, H', W') maps.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.
    """

    def __init__(
        self,
        depth: int = 4,
        pooling_blocks: Sequence[int] = (0, 1),
        padding_blocks: Sequence[int] = (2, 3),
        flatten: bool = False,
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(depth, pooling_blocks, padding_blocks, flatten, in_channels, init_cfg)
