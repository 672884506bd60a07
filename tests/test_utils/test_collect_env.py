import sys

import mmcv
import mmengine
import numpy as np
import torch
import torchvision

from mmfewshot import __version__
from mmfewshot.utils import collect_env


def test_collect_env_reports_versions() -> None:
    env = collect_env()
    assert env['PyTorch'] == torch.__version__
    assert env['TorchVision'] == torchvision.__version__
    assert env['NumPy'] == np.__version__
    assert env['MMEngine'] == mmengine.__version__
    assert env['MMCV'] == mmcv.__version__
    assert env['MMFewShot'] == __version__
    assert env['Python'].startswith(f'{sys.version_info.major}.{sys.version_info.minor}')
    assert env['CUDA available'] == str(torch.cuda.is_available())
    assert all(isinstance(v, str) for v in env.values())
