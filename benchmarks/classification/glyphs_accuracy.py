"""Measures the Glyphs accuracy of classification configs with the README commands; prints JSON.

For each given 1-shot Glyphs config it runs, as separate processes and
exactly as a user would::

    python tools/classification/train.py CONFIG --work-dir WORK_DIR
    python tools/classification/test.py CONFIG WORK_DIR/best_accuracy_mean.pth --out ...
    python tools/classification/test.py CONFIG_5SHOT WORK_DIR/best_accuracy_mean.pth --out ...

(the 5-shot config is the 1-shot one with ``5way-5shot`` in its name; one
training serves both, as in the original model zoo) and prints one JSON line
per config with the 5-way 1-shot and 5-shot accuracy, their 95% confidence
half-widths and the wall time of each step.

Example:
    python benchmarks/classification/glyphs_accuracy.py \
        configs/classification/proto_net/glyphs/proto-net_conv4_1xb105_glyphs_5way-1shot.py
"""

from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _run(cmd: list[str], log_file: str) -> float:
    """Runs ``cmd`` in the repository root, logging to ``log_file``; returns the wall time."""
    start = time.perf_counter()
    with open(log_file, 'w') as log:
        code = subprocess.call(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed with exit code {code}; see {log_file}')
    return elapsed


def measure(config: str, work_root: str, skip_train: bool) -> dict:
    """Trains ``config`` (1-shot) and meta-tests it in the 1-shot and 5-shot settings."""
    if not config.endswith('_5way-1shot.py'):
        raise ValueError(f'{config}: give the 1-shot config (its name ends in _5way-1shot.py)')
    name = osp.splitext(osp.basename(config))[0]
    work_dir = osp.join(work_root, name)
    os.makedirs(work_dir, exist_ok=True)
    result: dict = dict(config=config, work_dir=work_dir)
    python = sys.executable
    if not skip_train:
        result['train_s'] = round(
            _run([python, 'tools/classification/train.py', config, '--work-dir', work_dir],
                 osp.join(work_dir, 'benchmark_train.log')), 1,
        )  # fmt: skip
    checkpoint = osp.join(work_dir, 'best_accuracy_mean.pth')
    for shots in (1, 5):
        test_config = config.replace('_5way-1shot.py', f'_5way-{shots}shot.py')
        out = osp.join(work_dir, f'meta_test_{shots}shot.json')
        seconds = _run(
            [python, 'tools/classification/test.py', test_config, checkpoint, '--out', out],
            osp.join(work_dir, f'benchmark_test_{shots}shot.log'),
        )
        with open(out) as f:
            exported = json.load(f)
        summary = exported['summary']
        result[f'{shots}shot'] = dict(
            accuracy_mean=round(summary['accuracy_mean'], 2),
            accuracy_std=round(summary['accuracy_std'], 2),
            episodes=len(exported['tasks']),
            test_s=round(seconds, 1),
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+', help='1-shot Glyphs configs')
    parser.add_argument('--work-root', default='work_dirs', help='parent of the work dirs')
    parser.add_argument(
        '--skip-train', action='store_true', help='only meta-test existing checkpoints'
    )
    args = parser.parse_args(argv)
    import torch

    env = dict(
        python=platform.python_version(), torch=torch.__version__, machine=platform.machine(),
        cpus=os.cpu_count(), omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
    )  # fmt: skip
    for config in args.configs:
        print(json.dumps(dict(measure(config, args.work_root, args.skip_train), env=env)),
              flush=True)  # fmt: skip


if __name__ == '__main__':
    main()
