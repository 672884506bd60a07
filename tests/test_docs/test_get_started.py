"""docs/get_started.md: train, test, demo and the Python API, on a small Glyphs-layout set."""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mmfewshot.engine.launch import detect_task

PAGE = 'get_started.md'
REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'configs/classification/proto_net/glyphs/proto-net_conv4_1xb105_glyphs_5way-1shot.py'
# The page's commands with a short schedule: 4 iterations, 3 validation and 5 test tasks.
SHORT_TRAIN = [
    '--cfg-options', 'runner.max_iters=4', 'evaluation.interval=4', 'checkpoint_config.interval=4',
    'data.val.num_episodes=3', 'data.val.meta_test_cfg.num_episodes=3', 'data.workers_per_gpu=0',
]  # fmt: skip
SHORT_TEST = [
    '--cfg-options', 'data.test.num_episodes=5', 'data.test.meta_test_cfg.num_episodes=5',
]  # fmt: skip


def _write_glyph_like_set(root: Path) -> None:
    """``data/glyphs``: 16 train classes x 8 images, 6 val and 6 test classes x 20 (32x32)."""
    for subset, first, count, per_class in (
        ('train', 0, 16, 8), ('val', 16, 6, 20), ('test', 22, 6, 20)
    ):  # fmt: skip
        rows = ['filename,label']
        for c in range(first, first + count):
            name = f'glyph{c:02d}'
            folder = root / 'data' / 'glyphs' / 'images' / name
            folder.mkdir(parents=True)
            rng = np.random.RandomState(c)
            template = rng.randint(0, 256, (32, 32))
            for i in range(per_class):
                noise = rng.randint(-20, 21, (32, 32))
                pixels = np.clip(template + noise, 0, 255).astype(np.uint8)
                Image.fromarray(pixels).save(folder / f'{name}_{i}.png')
                rows.append(f'{name}/{name}_{i}.png,{name}')
        (root / 'data' / 'glyphs' / f'{subset}.csv').write_text('\n'.join(rows) + '\n')


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """A working directory with configs/, tools/ and demo/ of the repository, and the data."""
    for name in ('configs', 'tools', 'demo'):
        (tmp_path / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    _write_glyph_like_set(tmp_path)
    monkeypatch.chdir(tmp_path)
    had_dispatch = 'dispatch' in sys.modules
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny convolutions: one thread is faster than two busy ones
    yield tmp_path
    torch.set_num_threads(threads)
    if not had_dispatch:  # tools/train.py imports tools/dispatch.py as a top-level module
        sys.modules.pop('dispatch', None)


def _commands(bash: str) -> list[list[str]]:
    joined = bash.replace('\\\n', ' ')
    return [shlex.split(line)[1:] for line in joined.splitlines() if line.startswith('python ')]


def _run_script(argv: list[str], monkeypatch) -> str:
    """Runs `python <argv>` in this process (as __main__) and returns what it printed."""
    script = Path(argv[0])
    monkeypatch.setattr(sys, 'argv', [str(script), *argv[1:]])
    monkeypatch.syspath_prepend(str(script.resolve().parent))  # as `python script.py` does
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        runpy.run_path(str(script), run_name='__main__')
    return stdout.getvalue()


def test_main_config_is_dispatched_to_classification(workspace: Path) -> None:
    from mmfewshot.engine.launch import load_config

    assert detect_task(load_config(CONFIG), CONFIG) == 'classification'


@pytest.mark.slow
def test_train_test_demo_and_api(snippets, run_python, workspace: Path, monkeypatch) -> None:
    page = snippets(PAGE)
    (train,) = _commands(page.bash['train'])
    (test,) = _commands(page.bash['test'])
    (demo,) = _commands(page.bash['demo'])
    assert train == ['tools/train.py', CONFIG]
    _run_script(train + SHORT_TRAIN, monkeypatch)
    work_dir = Path('work_dirs/proto-net_conv4_1xb105_glyphs_5way-1shot')
    assert (work_dir / 'best_accuracy_mean.pth').is_file()
    assert (work_dir / 'iter_4.pth').is_file()

    assert test[0] == 'tools/test.py'
    assert test[2] == str(work_dir / 'best_accuracy_mean.pth')
    printed = _run_script(test + SHORT_TEST, monkeypatch)
    summary = json.loads(printed[printed.rindex('{\n') :])
    assert set(summary) == {'accuracy_mean', 'accuracy_std'}
    assert 0.0 <= summary['accuracy_mean'] <= 100.0

    printed = _run_script(demo, monkeypatch)
    prediction = json.loads(printed[printed.rindex('{\n  "prediction"') :])
    supports = sorted(
        p.stem for p in Path('demo/demo_classification_images/support_images').iterdir()
    )
    assert prediction['prediction'] in supports
    assert sorted(prediction['scores']) == supports
    assert sum(prediction['scores'].values()) == pytest.approx(1.0, abs=1e-4)
    assert Path('result.png').stat().st_size > 0

    # the Python API: support/alpha|beta|gamma.png from three test classes, a query of beta
    Path('support').mkdir()
    images = Path('data/glyphs/images')
    for label, name in zip(
        ('alpha', 'beta', 'gamma'), ('glyph22', 'glyph23', 'glyph24'), strict=True
    ):
        Image.open(images / name / f'{name}_0.png').save(f'support/{label}.png')
    Image.open(images / 'glyph23' / 'glyph23_5.png').save('query.png')
    with contextlib.redirect_stdout(io.StringIO()) as out:
        namespace = run_python(page.python['api'], 'api')
    result = namespace['result']
    assert sorted(result) == ['alpha', 'beta', 'gamma']
    assert out.getvalue().strip().splitlines()[-1] == max(result, key=result.get)
    assert Path('query_result.png').stat().st_size > 0
