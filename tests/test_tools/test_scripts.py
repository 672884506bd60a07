"""The shell scripts: executable, torchrun/srun command lines, and real 2-process gloo runs."""

import os
import os.path as osp
import stat
import subprocess

import pytest
import torch

TOOLS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tools')
SCRIPTS = [
    osp.join(folder, f'{kind}_{what}.sh')
    for folder in ('', 'classification', 'detection')
    for kind in ('dist', 'slurm')
    for what in ('train', 'test')
]


@pytest.mark.parametrize('script', SCRIPTS)
def test_scripts_are_executable_and_explain_missing_arguments(script):
    path = osp.join(TOOLS, script)
    assert os.stat(path).st_mode & stat.S_IXUSR, f'{script} is not executable'
    out = subprocess.run([path], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert out.stderr.startswith('usage: ')


def _fake_srun(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$SRUN_LOG"\n')
    srun.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize('task', ['', 'classification', 'detection'])
def test_slurm_scripts_pass_resources_and_arguments_to_srun(tmp_path, task):
    log = tmp_path / 'srun.log'
    env = dict(os.environ, PATH=f'{_fake_srun(tmp_path)}:{os.environ["PATH"]}',
               SRUN_LOG=str(log), GPUS='4', GPUS_PER_NODE='2', CPUS_PER_TASK='3',
               SRUN_ARGS='--qos=low --time=1')  # fmt: skip
    subprocess.run([osp.join(TOOLS, task, 'slurm_train.sh'), 'part', 'job', 'cfg.py', 'wd',
                    '--seed', '7'], env=env, check=True)  # fmt: skip
    args = log.read_text().split('\n')
    expected = ['-p', 'part', '--job-name=job', '--gres=gpu:2', '--ntasks=4',
                '--ntasks-per-node=2', '--cpus-per-task=3', '--kill-on-bad-exit=1']  # fmt: skip
    assert args[:8] == expected
    assert args[8:10] == ['--qos=low', '--time=1']
    assert args[10:12] == ['python', '-u']
    assert args[12] == osp.join(TOOLS, task, 'train.py')
    assert args[13:18] == ['cfg.py', '--work-dir=wd', '--launcher=slurm', '--seed', '7']

    subprocess.run([osp.join(TOOLS, task, 'slurm_test.sh'), 'part', 'job', 'cfg.py', 'c.pth',
                    '--eval', 'mAP'], env=env, check=True)  # fmt: skip
    args = log.read_text().split('\n')
    assert args[12:18] == [osp.join(TOOLS, task, 'test.py'), 'cfg.py', 'c.pth',
                           '--launcher=slurm', '--eval', 'mAP']  # fmt: skip


@pytest.mark.slow
def test_dist_train_sh_two_gloo_processes_match_one_process(
    det_config, load_tool, tool_env, tmp_path
):
    config = det_config()
    dist_dir, single_dir = tmp_path / 'dist', tmp_path / 'single'
    out = subprocess.run(
        [osp.join(TOOLS, 'dist_train.sh'), config, '2', '--work-dir', str(dist_dir)],
        env=tool_env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    # the same total batch (2 ranks x 2 = 4) in one process
    load_tool('detection/train').main(
        [config, '--work-dir', str(single_dir), '--cfg-options', 'data.samples_per_gpu=4']
    )
    rank0 = torch.load(dist_dir / 'params_rank0.pth', weights_only=True)
    rank1 = torch.load(dist_dir / 'params_rank1.pth', weights_only=True)
    single = torch.load(single_dir / 'params_rank0.pth', weights_only=True)
    for key, value in single.items():
        assert torch.equal(rank0[key], rank1[key]), key
        assert torch.allclose(rank0[key], value, atol=1e-5), key
