"""docs/faq.md: the code of the answers does what the answers say."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmfewshot.classification.datasets import GlyphsDataset
from mmfewshot.registry import MODELS
from mmfewshot.utils.compat import UnsafeCheckpointError, load_checkpoint_file

PAGE = 'faq.md'


def _checkpoint_with_array(path: Path) -> dict[str, torch.Tensor]:
    weights = {'w': torch.arange(3.0)}
    torch.save({'state_dict': weights, 'meta': {'mean': np.zeros(3)}}, path)
    return weights


def test_arrays_are_refused_then_allowed_by_the_snippet(snippets, run_python, tmp_path) -> None:
    path = tmp_path / 'with_array.pth'
    _checkpoint_with_array(path)
    with pytest.raises(UnsafeCheckpointError, match=r'numpy\.ndarray'):
        load_checkpoint_file(str(path))
    saved = torch.serialization.get_safe_globals()
    try:
        run_python(snippets(PAGE).python['allow_globals'], 'allow_globals')
        assert np.array_equal(load_checkpoint_file(str(path))['meta']['mean'], np.zeros(3))
    finally:  # the allow-list is process-wide: restore it for the other tests
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(saved)
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint_file(str(path))


def test_resaved_checkpoint_loads_safely(snippets, run_python, tmp_path, monkeypatch) -> None:
    weights = _checkpoint_with_array(tmp_path / 'trusted.pth')
    monkeypatch.chdir(tmp_path)
    run_python(snippets(PAGE).python['resave_checkpoint'], 'resave_checkpoint')
    plain = load_checkpoint_file(str(tmp_path / 'trusted_plain.pth'))
    assert set(plain) == {'state_dict'}
    assert torch.equal(plain['state_dict']['w'], weights['w'])


def test_numpy_scalars_of_old_checkpoints_load(tmp_path) -> None:
    path = tmp_path / 'old.pth'
    torch.save({'state_dict': {}, 'meta': {'epoch': np.int64(3), 'best': np.float64(0.5)}}, path)
    assert load_checkpoint_file(str(path))['meta'] == {'epoch': 3, 'best': 0.5}


def test_unknown_type_message_names_the_closest_names() -> None:
    with pytest.raises(KeyError, match=r"type='ProtoNett' is not in the mmfewshot::model registry"):
        MODELS.build(dict(type='ProtoNett'))


def test_same_seed_gives_the_same_episodes(snippets, run_python, tiny_glyphs) -> None:
    dataset = GlyphsDataset(data_prefix=str(tiny_glyphs), subset='train', pipeline=[])
    code = snippets(PAGE).python['same_episodes']
    code = code.replace('num_queries=15', 'num_queries=3')  # the tiny set has 6 images per class
    namespace = run_python(code, 'same_episodes', given={'dataset': dataset})
    other = type(namespace['first'])(
        dataset, num_episodes=100, num_ways=5, num_shots=1, num_queries=3, episodes_seed=1
    )
    assert any(
        namespace['first'].get_episode_idxes(i) != other.get_episode_idxes(i) for i in range(100)
    )


@pytest.mark.slow
def test_cpu_distributed_check_runs_two_gloo_processes(snippets, tmp_path) -> None:
    script = tmp_path / 'dist_check.py'
    script.write_text(snippets(PAGE).python['dist_check'] + '\n')
    torchrun = shutil.which('torchrun', path=str(Path(sys.executable).parent))
    assert torchrun is not None
    # the page's command, on a free port, with its expected output as comments
    page_command, *expected = snippets(PAGE).bash['dist_check_run'].splitlines()
    assert page_command == 'torchrun --nproc_per_node 2 dist_check.py'
    with socket.socket() as probe:  # a free port, so that parallel runs do not collide
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    command = [torchrun, '--nproc_per_node', '2', '--master_port', str(port), str(script)]
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', OMP_NUM_THREADS='1')
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, f'{result.stdout[-2000:]}\n{result.stderr[-3000:]}'
    # the two processes share stdout, so a line of one may be glued to a log line of the other
    lines = sorted(re.findall(r'rank \d of \d+, backend [a-z]+, sum \d+\.\d', result.stdout))
    assert lines == [line.removeprefix('# ') for line in expected], result.stdout
    assert lines == ['rank 0 of 2, backend gloo, sum 3.0', 'rank 1 of 2, backend gloo, sum 3.0']


def test_shipped_configs_seed_their_test_tasks() -> None:
    root = Path(__file__).resolve().parents[2] / 'configs' / 'classification'
    bases = sorted((root / '_base_' / 'meta_test').glob('*.py'))
    assert len(bases) >= 8
    for base in bases:
        data = Config.fromfile(str(base)).data
        assert data.test.episodes_seed == 0
        expected_val_seed = 0 if base.name.startswith('glyphs') else None
        assert data.val.get('episodes_seed') == expected_val_seed, base.name
