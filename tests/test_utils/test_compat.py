import io
import multiprocessing
import os
import socket

import numpy as np
import pytest
import torch
import torch.distributed as dist

from mmfewshot.utils import compat
from mmfewshot.utils.compat import (
    UnsafeCheckpointError,
    init_dist,
    load_checkpoint,
    load_checkpoint_file,
    register_safe_globals,
)


def test_numpy_scalars_load_with_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    values = [np.float64(0.5), np.int64(2), np.float32(1.5), np.bool_(True), np.uint8(7)]
    torch.save({'meta': {'best_score': values}, 'w': torch.ones(2)}, path)
    loaded = load_checkpoint_file(str(path))
    assert loaded['meta']['best_score'] == values
    assert torch.equal(loaded['w'], torch.ones(2))


def test_numpy1_checkpoint_names_are_allowed(tmp_path):
    # A legacy-format pickle as numpy 1.x wrote it: the scalar lives in ``numpy.core``.
    buffer = io.BytesIO()
    torch.save({'best': np.float64(0.25)}, buffer, _use_new_zipfile_serialization=False)
    data = buffer.getvalue().replace(b'cnumpy._core.multiarray\n', b'cnumpy.core.multiarray\n')
    assert b'numpy.core.multiarray' in data
    (tmp_path / 'old.pth').write_bytes(data)
    assert load_checkpoint_file(str(tmp_path / 'old.pth')) == {'best': 0.25}


class _Custom:
    pass


@pytest.mark.parametrize(
    ('obj', 'name'),
    [(np.arange(3), 'numpy.ndarray'), (_Custom(), '_Custom')],
)
def test_unsafe_objects_are_refused_without_fallback(tmp_path, obj, name):
    path = tmp_path / 'bad.pth'
    torch.save({'x': obj}, path)
    with pytest.raises(UnsafeCheckpointError, match=f'refuses .*{name}.*add_safe_globals'):
        load_checkpoint_file(str(path))


def test_missing_file_message(tmp_path):
    with pytest.raises(
        FileNotFoundError, match='does not exist; check the path given as load_from'
    ):
        load_checkpoint_file(str(tmp_path / 'nope.pth'))


def test_load_checkpoint_strips_module_prefix(tmp_path):
    src = torch.nn.Linear(2, 3)
    torch.save({'state_dict': {f'module.{k}': v for k, v in src.state_dict().items()}},
               tmp_path / 'm.pth')  # fmt: skip
    dst = torch.nn.Linear(2, 3)
    checkpoint = load_checkpoint(dst, str(tmp_path / 'm.pth'), strict=True)
    assert torch.equal(dst.weight, src.weight)
    assert 'state_dict' in checkpoint
    torch.save(torch.ones(1), tmp_path / 't.pth')
    with pytest.raises(TypeError, match='not a dict'):
        load_checkpoint(dst, str(tmp_path / 't.pth'))


def test_register_safe_globals_allows_plain_torch_load(tmp_path):
    path = tmp_path / 's.pth'
    torch.save({'x': np.float64(1.0)}, path)
    before = torch.serialization.get_safe_globals()
    try:
        register_safe_globals()
        assert torch.load(path, weights_only=True) == {'x': 1.0}
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(before)


def test_init_dist_errors(monkeypatch):
    with pytest.raises(ValueError, match="launcher='none' is not supported"):
        init_dist('none')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(compat.torch_dist, 'is_initialized', lambda: False)
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(KeyError, match='RANK is not set; start distributed runs with torchrun'):
        init_dist('pytorch')


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _dist_worker(rank, port, queue):
    os.environ.update(
        RANK=str(rank), WORLD_SIZE='2', MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port)
    )
    torch.cuda.is_available = lambda: False  # this child stands for a CPU-only machine
    init_dist('pytorch', backend='nccl', timeout=60)
    value = torch.tensor([float(rank + 1)])
    dist.all_reduce(value)
    queue.put((rank, dist.get_backend(), value.item()))
    dist.destroy_process_group()


def test_init_dist_starts_gloo_without_cuda():
    # fork: the children reuse this process's imports (no torch start-up cost)
    ctx = multiprocessing.get_context('fork')
    queue, port = ctx.Queue(), _free_port()
    workers = [ctx.Process(target=_dist_worker, args=(rank, port, queue)) for rank in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert sorted(queue.get(timeout=5) for _ in workers) == [(0, 'gloo', 3.0), (1, 'gloo', 3.0)]


@pytest.mark.slow
def test_safe_globals_survive_a_bare_numpy_core_stub():
    """numpy 1.26 ships ``numpy._core`` as an empty stub: the reconstructor comes from an import."""
    import subprocess
    import sys

    code = (
        'import sys, types, warnings\n'
        "warnings.simplefilter('ignore')\n"
        'import numpy\n'
        "sys.modules['numpy._core'] = types.ModuleType('numpy._core')  # not a package\n"
        'numpy._core = sys.modules["numpy._core"]\n'
        'from mmfewshot.utils.compat import SAFE_GLOBALS\n'
        'from numpy.core.multiarray import scalar\n'
        'assert SAFE_GLOBALS[0][0] is scalar and SAFE_GLOBALS[1][0] is scalar\n'
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == 'ok'
