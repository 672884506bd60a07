"""The README's Python example runs as written (with a checkpoint made here)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import torch

from mmfewshot.registry import MODELS

CHECKPOINT = 'work_dirs/proto-net_conv4_1xb105_glyphs_5way-1shot/best_accuracy_mean.pth'


def test_readme_python_example_classifies_the_demo_query(
    snippets: Any, run_python: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code = snippets('../README.md').python['readme_api']
    assert CHECKPOINT in code
    torch.manual_seed(0)
    model = MODELS.build(
        dict(type='ProtoNet', backbone=dict(type='Conv4'), head=dict(type='PrototypeHead'))
    )
    checkpoint = tmp_path / 'proto.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the README's paths are relative
    namespace = run_python(code.replace(CHECKPOINT, str(checkpoint)), 'README.md')
    assert namespace['labels'] == ['Ef', 'Shcha', 'Ya', 'Yu', 'Zhe']
    scores = ast.literal_eval(capsys.readouterr().out.strip().splitlines()[-1])  # printed dict
    assert sorted(scores) == namespace['labels']
    assert sum(scores.values()) == pytest.approx(1.0)
