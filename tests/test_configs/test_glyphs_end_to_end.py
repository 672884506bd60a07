"""Every Glyphs config trains and meta-tests through tools/classification/{train,test}.py.

The runs are tiny (a 16-class dataset in the Glyphs layout, one or two
iterations, three test tasks); the real numbers are in each algorithm's README.
"""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
GLYPHS_CONFIGS = sorted((REPO / 'configs' / 'classification').glob('*/glyphs/*_5way-1shot.py'))


def _script(relative: str) -> ModuleType:
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem + '_e2e', path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize('config', GLYPHS_CONFIGS, ids=lambda p: p.parts[-3])
def test_glyphs_config_trains_and_meta_tests_with_the_tools(
    config: Path, tiny_glyphs: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    text = config.read_text()
    episodic = "type='EpisodicDataset'" in text
    data = 'data.train.dataset' if episodic else 'data.train'
    train_opts = [f'{data}.data_prefix={tiny_glyphs}', 'data.workers_per_gpu=0']
    if episodic:
        ways = 5 if 'MAML' in text else 6
        train_opts += ['data.train.num_episodes=4', f'data.train.num_ways={ways}',
                       'data.train.num_shots=2', 'data.train.num_queries=2',
                       'runner.max_iters=2', 'checkpoint_config.interval=2']  # fmt: skip
    else:
        train_opts += ['data.samples_per_gpu=64', 'runner.max_epochs=1',
                       'checkpoint_config.interval=1', 'lr_config.warmup_iters=1']  # fmt: skip
    if 'load_from' in text:
        train_opts.append('load_from=None')
    work_dir = tmp_path / 'work'
    _script('tools/classification/train.py').main(
        [str(config), '--work-dir', str(work_dir), '--no-validate', '--device', 'cpu',
         '--cfg-options', *train_opts]
    )  # fmt: skip
    checkpoint = work_dir / 'latest.pth'
    assert checkpoint.exists()
    capsys.readouterr()
    out = tmp_path / 'tasks.json'
    test_opts = [f'data.test.dataset.data_prefix={tiny_glyphs}', 'data.test.num_episodes=3',
                 'data.test.meta_test_cfg.num_episodes=3', 'data.test.num_queries=2',
                 'data.test.meta_test_cfg.query.batch_size=10']  # fmt: skip
    if 'meta_finetune_cfg' in text:  # fewer fine-tuning steps of the meta-test head
        test_opts.append('data.test.meta_test_cfg.support.train.num_steps=10')
    if 'num_inner_steps=5' in text:
        test_opts.append('data.test.meta_test_cfg.support.num_inner_steps=1')
    _script('tools/classification/test.py').main(
        [str(config), str(checkpoint), '--out', str(out), '--cfg-options', *test_opts]
    )
    printed = capsys.readouterr().out
    summary = json.loads(printed[printed.rindex('{') :])  # the tool prints the summary last
    exported = json.loads(out.read_text())
    assert [t['task_id'] for t in exported['tasks']] == [0, 1, 2]
    assert exported['confidence_interval'] == 0.95
    assert 0.0 <= exported['summary']['accuracy_mean'] <= 100.0
    assert summary['accuracy_mean'] == pytest.approx(exported['summary']['accuracy_mean'])
