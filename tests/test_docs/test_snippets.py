"""The commands and code of docs/install.md (and other short pages) run as written."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import torch


@pytest.mark.slow  # a fresh interpreter imports torch and torchvision
def test_install_verification_commands(snippets, run_bash) -> None:
    out = run_bash(snippets('install.md').bash['verify']).stdout.splitlines()
    import mmfewshot

    assert out[0] == mmfewshot.__version__
    env = out[1]
    for key in ('PyTorch', 'TorchVision', 'MMEngine', 'MMCV', 'NumPy', 'CUDA available'):
        assert f"'{key}'" in env
    assert f"'PyTorch': '{torch.__version__}'" in env


def test_install_model_check_prints_the_feature_shape(snippets, run_python) -> None:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(snippets('install.md').python['verify_model'], 'verify_model')
    assert type(namespace['model']).__name__ == 'ProtoNet'
    # Conv4 on 84x84: 64 channels x 5 x 5 after four 2x2 poolings (84 -> 42 -> 21 -> 10 -> 5)
    assert namespace['feats'].shape == (2, 64 * 5 * 5)
    assert re.fullmatch(r'torch\.Size\(\[2, 1600\]\)\n', stdout.getvalue())
