"""Wide residual networks (Zagoruyko and Komodakis, BMVC 2016), as used by S2M2 for few-shot."""

from __future__ import annotations

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmfewshot.registry import MODELS
from mmfewshot.utils.typing_utils import OptMultiConfig


class WRNBlock(nn.Module):
    """Pre-activation residual block: BN-ReLU-conv3x3 (-dropout) - BN-ReLU-conv3x3.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Stride of the first convolution.
        drop_rate: Dropout rate between the two convolutions.
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int, drop_rate: float = 0.0
    ) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False
        )
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False
        )
        self.dropout = nn.Dropout(p=drop_rate)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut.append(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=True)
            )

    def forward(self, x: Tensor) -> Tensor:
        """Applies the block, shape (B, C_in, H, W) -> (B, C_out, H/stride, W/stride)."""
        out = self.conv1(self.relu1(self.norm1(x)))
        out = self.dropout(out)
        out = self.conv2(self.relu2(self.norm2(out)))
        return out + self.shortcut(x)


@MODELS.register_module()
class WideResNet(BaseModule):
    """WRN-``depth``-``widen_factor``: a stem conv and three stages of ``(depth - 4) / 6`` blocks.

    Stage widths are 16k, 32k and 64k for ``k = widen_factor``; the second
    and third stages halve the map.

    Args:
        depth: Number of layers; ``depth - 4`` must be a positive multiple of 6.
        widen_factor: Channel multiplier k.
        stride: Stride of the first stage.
        drop_rate: Dropout rate inside the blocks.
        flatten: Flatten the output to (B, D).
        with_avgpool: Average-pool the last map to ``pool_size``.
        pool_size: Output size of the average pool.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.

    Examples:
        >>> import torch
        >>> WideResNet(depth=10, widen_factor=2)(torch.zeros(2, 3, 32, 32)).shape
        torch.Size([2, 128])
    """

    def __init__(
        self,
        depth: int,
        widen_factor: int = 1,
        stride: int = 1,
        drop_rate: float = 0.0,
        flatten: bool = True,
        with_avgpool: bool = True,
        pool_size: tuple[int, int] = (1, 1),
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError(
                f'WideResNet depth must be 6n+4 with n >= 1 (10, 16, 22, 28, ...), got {depth}'
            )
        if widen_factor < 1:
            raise ValueError(f'WideResNet widen_factor must be >= 1, got {widen_factor}')
        if not 0.0 <= drop_rate < 1.0:
            raise ValueError(f'WideResNet drop_rate must be in [0, 1), got {drop_rate}')
        blocks_per_stage = (depth - 4) // 6
        widths = [16, 16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.conv1 = nn.Conv2d(in_channels, widths[0], kernel_size=3, padding=1, bias=False)
        for i, first_stride in enumerate((stride, 2, 2)):
            stage = nn.Sequential(
                *[
                    WRNBlock(
                        widths[i] if j == 0 else widths[i + 1],
                        widths[i + 1],
                        first_stride if j == 0 else 1,
                        drop_rate,
                    )
                    for j in range(blocks_per_stage)
                ]
            )
            self.add_module(f'layer{i + 1}', stage)
        self.norm1 = nn.BatchNorm2d(widths[3])
        self.relu = nn.ReLU(inplace=True)
        self.out_channels = widths[3]
        self.flatten = flatten
        self.with_avgpool = with_avgpool
        self.avgpool = nn.AdaptiveAvgPool2d(tuple(pool_size)) if with_avgpool else None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='leaky_relu')
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
            (B, 64k) with the defaults, else (B, 64k, H', W') maps.
        """
        x = self.conv1(x)
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.relu(self.norm1(x))
        if self.avgpool is not None:
            x = self.avgpool(x)
        if self.flatten:
            x = x.flatten(1)
        return x


@MODELS.register_module()
class WRN28x10(WideResNet):
    """WRN-28-10 with dropout 0.5 (S2M2's backbone): 640-d features.

    Args:
        depth: Number of layers.
        widen_factor: Channel multiplier.
        stride: Stride of the first stage.
        drop_rate: Dropout rate inside the blocks.
        flatten: Flatten the output to (B, D).
        with_avgpool: Average-pool the last map to ``pool_size``.
        pool_size: Output size of the average pool.
        in_channels: Channels of the input image.
        init_cfg: Weight-initialisation config, see :class:`mmengine.model.BaseModule`.
    """

    def __init__(
        self,
        depth: int = 28,
        widen_factor: int = 10,
        stride: int = 1,
        drop_rate: float = 0.5,
        flatten: bool = True,
        with_avgpool: bool = True,
        pool_size: tuple[int, int] = (1, 1),
        in_channels: int = 3,
        init_cfg: OptMultiConfig = None,
    ) -> None:
        super().__init__(
            depth,
            widen_factor,
            stride,
            drop_rate,
            flatten,
            with_avgpool,
            pool_size,
            in_channels,
            init_cfg,
        )
