"""ResNet-12 with DropBlock, the backbone of TADAM, MetaOptNet and Meta-Baseline.

Four residual blocks of three 3x3 convolutions (64-160-320-640 channels),
LeakyReLU(0.1) and a 2x2 max-pool each; DropBlock (Ghiasi et al., NeurIPS
2018) regularises the last two blocks. An 84x84 image gives a 640-d feature.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmfewshot.classification.models.utils import DropBlock, drop_block_gamma
from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import OptMultiConfig


def _conv3x3(in_channels: int, out_channels: int) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False)


class ResNet12Block(nn.Module):
    """Three conv3x3-BN units with a 1x1 projection shortcut, then max-pool and dropout.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Max-pool stride (2 halves the map).
        drop_rate: Dropout rate (DropBlock's final drop rate if ``drop_block``).
        drop_block: Use DropBlock instead of element-wise dropout.
        drop_block_size: DropBlock block side.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 2,
        drop_rate: float = 0.0,
        drop_block: bool = False,
        drop_block_size: int = 1,
    ) -> None:
        super().__init__()
        self.conv1 = _conv3x3(in_channels, out_channels)
        self.norm1 = nn.BatchNorm2d(out_channels)
        self.conv2 = _conv3x3(out_channels, out_channels)
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.conv3 = _conv3x3(out_channels, out_channels)
        self.norm3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.LeakyReLU(0.1)
        self.downsample = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.maxpool = nn.MaxPool2d(stride)
        self.drop_rate = drop_rate
        self.drop_block = DropBlock(drop_block_size) if drop_block else None
        self.drop_block_size = drop_block_size
        # Training batches seen, for the DropBlock keep-rate schedule (not saved,
        # as in the original checkpoints).
        self.num_batches_tracked = 0

    def forward(self, x: Tensor) -> Tensor:
        """Applies the block, shape (B, C_in, H, W) -> (B, C_out, H/stride, W/stride)."""
        identity = self.downsample(x)
        out = self.relu(self.norm1(self.conv1(x)))
        out = self.relu(self.norm2(self.conv2(out)))
        out = self.norm3(self.conv3(out))
        out = self.relu(out + identity)
        out = self.maxpool(out)
        if self.training:
            self.num_batches_tracked += 1
        if self.drop_rate > 0:
            if self.drop_block is not None:
                gamma = drop_block_gamma(
                    self.drop_rate, self.drop_block_size, out.size(2), self.num_batches_tracked
                )
                out = self.drop_block(out, gamma)
            else:
                out = F.dropout(out, p=self.drop_rate, training=self.training)
        return out


@MODELS.register_module()
class ResNet12(BaseModule):
    """ResNet-12 (Oreshkin et al., NeurIPS 2018; Lee et al., CVPR 2019).

    Args:
        block: The residual block class.
        with_avgpool: Average-pool the last map to ``pool_size``.
        pool_size: Output size of the average pool.
        flatten: Flatten the output to (B, D).
        drop_rate: Dropout rate of every block (DropBlock's in blocks 3-4).
        drop_block_size: DropBlock block side.
        channels: Output channels of the four blocks.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.

    Examples:
        >>> import torch
        >>> ResNet12()(torch.zeros(2, 3, 84, 84)).shape
        torch.Size([2, 640])
    """

    def __init__(
        self,
        block: type[nn.Module] = ResNet12Block,
        with_avgpool: bool = True,
        pool_size: tuple[int, int] = (1, 1),
        flatten: bool = True,
        drop_rate: float = 0.0,
        drop_block_size: int = 5,
        channels: Sequence[int] = (64, 160, 320, 640),
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 0.0 <= drop_rate < 1.0:
            raise ValueError(f'ResNet12 drop_rate must be in [0, 1), got {drop_rate}')
        if drop_block_size < 1:
            raise ValueError(f'ResNet12 drop_block_size must be >= 1, got {drop_block_size}')
        if len(channels) != 4:
            raise ValueError(f'ResNet12 needs 4 channel widths, got channels={tuple(channels)}')
        widths = [in_channels, *channels]
        for i in range(4):
            layer = nn.Sequential(
                block(
                    widths[i],
                    widths[i + 1],
                    stride=2,
                    drop_rate=drop_rate,
                    drop_block=i >= 2,
                    drop_block_size=drop_block_size,
                )
            )
            self.add_module(f'layer{i + 1}', layer)
        self.out_channels = widths[-1]
        self.with_avgpool = with_avgpool
        self.flatten = flatten
        self.avgpool = nn.AdaptiveAvgPool2d(tuple(pool_size)) if with_avgpool else None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='leaky_relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Extracts features.

        Args:
            x: Images, shape (B, C, H, W).

        Returns:
            (B, 640) with the defaults; (B, 640, H/16, W/16) without pooling and flattening.
        """
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
        if self.avgpool is not None:
            x = self.avgpool(x)
        if self.flatten:
            x = x.flatten(1)
        return x
