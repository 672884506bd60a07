"""docs/classification/customize_runtime.md: optimizers, schedules, a 0.x hook and a tiny run."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mmfewshot.engine import LegacyLrScheduler, translate_config
from mmfewshot.registry import HOOKS, MODELS, OPTIMIZERS

PAGE = 'classification/customize_runtime.md'
REPO_ROOT = Path(__file__).resolve().parents[2]


def _optim_wrapper(cfg: dict, model: torch.nn.Module):
    plan = translate_config(dict(cfg, runner=dict(type='IterBasedRunner', max_iters=1)))
    with DefaultScope.overwrite_default_scope('mmfewshot'):
        return build_optim_wrapper(model, plan.runner_kwargs['optim_wrapper'])


@pytest.fixture
def config_root(snippets, tmp_path: Path) -> Path:
    snippets(PAGE).write_configs(tmp_path)
    return tmp_path


def test_user_optimizer_steps_by_the_gradient_sign(snippets, run_python, config_root) -> None:
    try:
        run_python(snippets(PAGE).python['my_optimizer'], 'my_optimizer')
        cfg = Config.fromfile(str(config_root / 'sign_sgd.py'), import_custom_modules=False)
        param = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
        model = torch.nn.Module()
        model.weight = param
        wrapper = _optim_wrapper(cfg.to_dict(), model)
        assert type(wrapper.optimizer).__name__ == 'SignSGD'
        param.grad = torch.tensor([0.5, -4.0, 0.0])
        wrapper.step()
        assert torch.allclose(param.detach(), torch.tensor([0.999, -1.999, 3.0]))
    finally:
        OPTIMIZERS._module_dict.pop('SignSGD', None)


def test_paramwise_backbone_learns_ten_times_slower(config_root) -> None:
    cfg = Config.fromfile(str(config_root / 'paramwise.py'))
    model = MODELS.build(
        dict(
            type='Baseline',
            backbone=dict(type='Conv4'),
            head=dict(type='LinearHead', num_classes=5, in_channels=1600),
        )
    )
    wrapper = _optim_wrapper(cfg.to_dict(), model)
    lr_of = {id(p): g['lr'] for g in wrapper.optimizer.param_groups for p in g['params']}
    assert all(lr_of[id(p)] == pytest.approx(0.005) for p in model.backbone.parameters())
    assert all(lr_of[id(p)] == 0.05 for p in model.head.parameters())
    assert len(list(model.head.parameters())) == 2


def test_gradient_options_translate(snippets) -> None:
    lines = [
        line
        for line in snippets(PAGE).configs['grad_options.py'].splitlines()
        if line and not line.startswith('#')
    ]
    assert len(lines) == 3
    base = dict(
        optimizer=dict(type='SGD', lr=0.1), runner=dict(type='IterBasedRunner', max_iters=1)
    )
    wrappers = []
    for line in lines:
        values: dict = {}
        exec(line, {}, values)
        wrappers.append(translate_config(dict(base, **values)).runner_kwargs['optim_wrapper'])
    assert wrappers[0]['clip_grad'] == dict(max_norm=35, norm_type=2)
    assert wrappers[1]['accumulative_counts'] == 4
    assert (wrappers[2]['type'], wrappers[2]['loss_scale']) == ('AmpOptimWrapper', 512.0)


def test_step_schedule_values_of_the_page(config_root) -> None:
    cfg = Config.fromfile(str(config_root / 'schedule.py'))
    lr_config = dict(cfg.lr_config)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=cfg.optimizer.lr)
    scheduler = LegacyLrScheduler(
        optimizer, **lr_config, iters_per_epoch=600, max_epochs=100, max_iters=60000
    )
    seen = {}
    checkpoints = {0, 2500, 29 * 600 + 599, 30 * 600, 59 * 600 + 599, 60 * 600}
    for iteration in range(60 * 600 + 1):
        if iteration in checkpoints:
            seen[iteration] = optimizer.param_groups[0]['lr']
        scheduler.step()
    assert seen[0] == pytest.approx(0.0125)
    assert seen[2500] == pytest.approx(0.03125)
    assert seen[29 * 600 + 599] == pytest.approx(0.05)
    assert seen[30 * 600] == pytest.approx(0.005)
    assert seen[59 * 600 + 599] == pytest.approx(0.005)
    assert seen[60 * 600] == pytest.approx(0.0005)


def _load_tool(task: str, name: str):
    path = REPO_ROOT / 'tools' / task / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'doc_tool_{task}_{name}', path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(bash: str) -> list[list[str]]:
    """The `python tools/...` commands of a shell block (continuations joined)."""
    joined = bash.replace('\\\n', ' ')
    commands = []
    for line in joined.splitlines():
        line = line.split('#')[0].strip()
        if line.startswith('python '):
            commands.append(shlex.split(line)[1:])
    return commands


def _losses(work_dir: Path) -> dict[int, str]:
    (log,) = work_dir.glob('*/*.log')
    found = re.findall(r'Iter\(train\) \[(\d+)/6\].*?loss: ([0-9.]+)', log.read_text())
    return {int(i): loss for i, loss in found}


@pytest.fixture
def tiny_run_dir(snippets, tiny_glyphs, monkeypatch) -> Iterator[Path]:
    root = tiny_glyphs.parents[1]
    page = snippets(PAGE)
    page.write_configs(root)
    (root / 'my_project').mkdir()
    (root / 'my_project' / '__init__.py').write_text('')
    (root / 'my_project' / 'timer_hook.py').write_text(page.python['timer_hook'] + '\n')
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))  # what `export PYTHONPATH=.` does for the tools
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny convolutions: one thread is faster than two busy ones
    yield root
    torch.set_num_threads(threads)
    HOOKS._module_dict.pop('IterTimeHook', None)
    for module in [m for m in sys.modules if m.startswith('my_project')]:
        del sys.modules[module]


@pytest.mark.slow
def test_tiny_run_trains_resumes_and_tests(snippets, tiny_run_dir: Path) -> None:
    commands = _commands(snippets(PAGE).bash['tiny_run'])
    assert [c[0] for c in commands] == [
        'tools/classification/train.py',
        'tools/classification/train.py',
        'tools/classification/test.py',
    ]
    stdout = io.StringIO()
    for command in commands:
        task, name = Path(command[0]).parent.name, Path(command[0]).stem
        with contextlib.redirect_stdout(stdout):
            _load_tool(task, name).main(command[1:])
    first, resumed = Path('work_dirs/tiny_run'), Path('work_dirs/tiny_run_resumed')
    for name in ('iter_3.pth', 'iter_6.pth', 'latest.pth', 'best_accuracy_mean.pth'):
        assert (first / name).is_file()
    assert (first / 'latest.pth').resolve() == (first / 'iter_6.pth').resolve()
    losses, resumed_losses = _losses(first), _losses(resumed)
    assert sorted(losses) == [2, 4, 6]
    assert sorted(resumed_losses) == [4, 6]  # logged every 2 iterations from iteration 4
    assert resumed_losses == {i: losses[i] for i in (4, 6)}
    (log,) = first.glob('*/*.log')
    assert '6 training iterations timed' in log.read_text()
    text = log.read_text()
    assert re.findall(r'iterations (\d+-\d+): [0-9.]+ s each', text) == [
        '1-2', '3-4', '5-6'
    ]  # fmt: skip
    (resumed_log,) = resumed.glob('*/*.log')
    assert '3 training iterations timed' in resumed_log.read_text()
    printed = stdout.getvalue()
    summary = json.loads(printed[printed.rindex('{\n') :])  # test.py prints the summary last
    assert set(summary) == {'accuracy_mean', 'accuracy_std'}
    assert 0.0 <= summary['accuracy_mean'] <= 100.0
