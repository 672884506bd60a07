"""docs/detection/customize_runtime.md and customize_models.md: evaluation config, batch layout."""

from __future__ import annotations

import contextlib
import importlib.util
import io
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from torch.utils.data import DataLoader

from mmfewshot.engine import EvalHook

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_evaluation_config_splits_hook_and_evaluate_arguments(snippets, tmp_path) -> None:
    snippets('detection/customize_runtime.md').write_configs(tmp_path)
    cfg = Config.fromfile(str(tmp_path / 'evaluation.py'))
    hook = EvalHook(DataLoader([0]), **cfg.evaluation)
    assert hook.interval == 4000
    assert hook.save_best == 'mAP'
    assert hook.rule == 'greater'  # inferred from the key
    with pytest.raises(ValueError, match="cannot infer whether a larger or smaller 'AP50'"):
        EvalHook(DataLoader([0]), save_best='AP50')
    assert EvalHook(DataLoader([0]), save_best='AP50', rule='greater').rule == 'greater'
    assert hook.eval_kwargs == dict(
        metric='mAP', class_splits=['BASE_CLASSES_SPLIT1', 'NOVEL_CLASSES_SPLIT1']
    )


def test_detection_test_tool_needs_an_output_option() -> None:
    path = REPO_ROOT / 'tools' / 'detection' / 'test.py'
    spec = importlib.util.spec_from_file_location('doc_detection_test_tool', path)
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with pytest.raises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
        tool.parse_args(['cfg.py', 'model.pth'])
    args = tool.parse_args(
        ['cfg.py', 'model.pth', '--eval', 'mAP', '--eval-options', 'iou_thr=0.75']
    )
    assert args.eval == ['mAP']
    assert args.eval_options == {'iou_thr': 0.75}
    assert args.show_score_thr == 0.3


def test_batch_layout_of_the_models_page(snippets, run_python, voc_dir, voc_boxes) -> None:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        namespace = run_python(snippets('detection/customize_models.md').python['batch'], 'batch')
    lines = stdout.getvalue().splitlines()[-3:]  # after the dataset's log line
    assert lines[0] == 'torch.Size([2, 3, 160, 192])'
    data = namespace['data']
    assert isinstance(data['img'], torch.Tensor)
    assert len(data['gt_bboxes']) == len(data['gt_labels']) == 2
    for boxes, labels, meta in zip(
        data['gt_bboxes'], data['gt_labels'], data['img_metas'], strict=True
    ):
        assert boxes.shape == (len(labels), 4)
        assert labels.dtype == torch.int64
        # 120x100 images resized to fit (200, 160), keeping the aspect ratio: x1.6
        assert meta['img_shape'][:2] == (160, 192)
        assert meta['scale_factor'] == pytest.approx([1.6] * 4)
        assert meta['pad_shape'][:2] == (160, 192)
    counts = sorted(len(labels) for labels in data['gt_labels'])
    assert all(c in {len(objects) for objects in voc_boxes.values()} for c in counts)
    assert 'scale_factor' in lines[2]
