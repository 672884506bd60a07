"""Compatibility with current PyTorch: safe checkpoint loading and CPU-only distributed init.

Two gaps of mmengine 0.10 on torch >= 2.6 are closed here, once:

1. ``torch.load`` defaults to ``weights_only=True``. Checkpoints of mmcv 1.x
   and mmengine hold numpy scalars (``best_score``, seeds) besides tensors.
   :func:`load_checkpoint_file` keeps ``weights_only=True`` and allows exactly
   the globals listed in :data:`SAFE_GLOBALS` (numpy scalars and dtypes, under
   their numpy 1.x and 2.x names). Anything else is refused with an error that
   names the offending globals; there is no fallback to unsafe loading.
2. ``launcher='pytorch'`` in mmengine calls ``torch.cuda.set_device``
   unconditionally. :func:`init_dist` initialises a ``gloo`` process group
   itself when CUDA is unavailable, so CPU-only machines can run
   ``torchrun --nproc_per_node 2 ...``.
"""

from __future__ import annotations

import os
import os.path as osp
import pickle
import subprocess
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dist import init_dist as mmengine_init_dist
from mmengine.logging import print_log
from torch import nn

# numpy 2 moved ``numpy.core`` to ``numpy._core``; checkpoints written under
# numpy 1.x name the old module, so the scalar reconstructor is allowed under both.
# (numpy 1.26 has a bare ``numpy._core`` stub, so the attribute cannot be trusted: import.)
try:
    from numpy._core.multiarray import scalar as _numpy_scalar
except ImportError:  # numpy < 1.26
    from numpy.core.multiarray import scalar as _numpy_scalar  # type: ignore[no-redef]
# Unpickling a numpy scalar rebuilds its dtype, whose class (``numpy.dtypes.Float64DType``...)
# must be allowed too: one class per numeric and boolean scalar type.
_DTYPE_CLASSES = sorted({type(np.dtype(code)) for code in '?bhilqpBHILQPefdg'}, key=str)
SAFE_GLOBALS: list[Callable[..., Any] | tuple[Callable[..., Any], str]] = [
    (_numpy_scalar, 'numpy._core.multiarray.scalar'),
    (_numpy_scalar, 'numpy.core.multiarray.scalar'),
    (np.dtype, 'numpy.dtype'),
    *_DTYPE_CLASSES,
]
"""Globals that :func:`load_checkpoint_file` allows besides torch's defaults: numpy's
scalar reconstructor (under its numpy 1.x and 2.x names), ``numpy.dtype`` and the
dtype classes of numeric and boolean scalars. Arrays and objects stay refused."""

_URL_PREFIXES = ('http://', 'https://')
MapLocation = str | torch.device | Callable[..., Any] | dict[str, str] | None


class UnsafeCheckpointError(pickle.UnpicklingError):
    """Raised when a checkpoint holds objects that ``weights_only=True`` refuses."""


def register_safe_globals() -> None:
    """Allows :data:`SAFE_GLOBALS` process-wide for every ``torch.load(weights_only=True)``.

    Only needed by code that calls ``torch.load`` itself (e.g. third-party
    loaders); :func:`load_checkpoint_file` allows them locally without this.
    """
    torch.serialization.add_safe_globals(list(SAFE_GLOBALS))


def _local_path(filename: str) -> str:
    """Returns a local path for ``filename``, downloading URLs into torch's hub cache."""
    if filename.startswith(_URL_PREFIXES):
        cache_dir = osp.join(torch.hub.get_dir(), 'checkpoints')
        os.makedirs(cache_dir, exist_ok=True)
        target = osp.join(cache_dir, osp.basename(filename.split('?')[0]))
        if not osp.isfile(target):
            torch.hub.download_url_to_file(filename, target, progress=False)
        return target
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'checkpoint file {filename!r} does not exist; check the path given as '
            'load_from / resume_from / checkpoint'
        )
    return filename


def _unsafe_globals(path: str) -> list[str]:
    try:
        found = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # legacy (non-zip) files cannot be scanned
        return []
    allowed = {entry[1] for entry in SAFE_GLOBALS if isinstance(entry, tuple)}
    return sorted(name for name in found if name not in allowed)


def load_checkpoint_file(filename: str, map_location: MapLocation = 'cpu') -> Any:
    """Loads a checkpoint with ``weights_only=True`` and the numpy globals of :data:`SAFE_GLOBALS`.

    Args:
        filename: Local path or ``http(s)://`` URL (cached in torch's hub dir).
        map_location: As for :func:`torch.load`.

    Returns:
        The unpickled object, usually a dict with ``state_dict`` and ``meta``.

    Raises:
        FileNotFoundError: If a local ``filename`` does not exist.
        UnsafeCheckpointError: If the file holds objects outside torch's
            allow-list and :data:`SAFE_GLOBALS`; the message names them.
    """
    path = _local_path(filename)
    try:
        with torch.serialization.safe_globals(list(SAFE_GLOBALS)):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        names = _unsafe_globals(path) or [str(error).splitlines()[0]]
        raise UnsafeCheckpointError(
            f'checkpoint {filename!r} holds objects that torch.load(weights_only=True) refuses '
            f'({", ".join(names)}); if you trust the file, allow them with '
            'torch.serialization.add_safe_globals([...]) or re-save it with plain tensors, '
            'lists and dicts'
        ) from None


def load_checkpoint(
    model: nn.Module,
    filename: str,
    map_location: MapLocation = 'cpu',
    strict: bool = False,
    logger: Any = None,
    revise_keys: Iterable[tuple[str, str]] = ((r'^module\.', ''),),
) -> dict[str, Any]:
    """Loads ``filename`` into ``model`` safely (mmcv 1.x ``load_checkpoint`` signature).

    Args:
        model: Module to load the weights into (a DDP wrapper is unwrapped).
        filename: Checkpoint path or URL.
        map_location: As for :func:`torch.load`.
        strict: Whether unexpected and missing keys raise.
        logger: Unused; kept for the 0.x signature (messages go to the current logger).
        revise_keys: ``(pattern, replacement)`` regexes applied to the keys.

    Returns:
        The loaded checkpoint dict.
    """
    from mmengine.runner.checkpoint import _load_checkpoint_to_model

    checkpoint = load_checkpoint_file(filename, map_location)
    if not isinstance(checkpoint, dict):
        raise TypeError(
            f'checkpoint {filename!r} holds a {type(checkpoint).__name__}, not a dict; '
            'save checkpoints as dict(state_dict=model.state_dict(), ...)'
        )
    module = getattr(model, 'module', model)
    return _load_checkpoint_to_model(module, checkpoint, strict, revise_keys=list(revise_keys))


def _slurm_master_addr(node_list: str) -> str:
    out = subprocess.run(
        ['scontrol', 'show', 'hostname', node_list], capture_output=True, text=True, check=True
    )
    return out.stdout.split()[0]


def _init_gloo(timeout: timedelta | None) -> None:
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        if key not in os.environ:
            raise KeyError(
                f'environment variable {key} is not set; start distributed runs with '
                'torchrun (tools/dist_train.sh) or srun (tools/slurm_train.sh)'
            )
    kwargs: dict[str, Any] = {} if timeout is None else {'timeout': timeout}
    torch_dist.init_process_group(
        backend='gloo',
        init_method='env://',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs,
    )


def init_dist(launcher: str, backend: str = 'nccl', **kwargs: Any) -> None:
    """Initialises the default process group; uses ``gloo`` on the CPU when CUDA is absent.

    With CUDA available this is :func:`mmengine.dist.init_dist`. Without it,
    ``launcher='pytorch'`` reads ``RANK``/``WORLD_SIZE``/``MASTER_ADDR``/
    ``MASTER_PORT`` set by ``torchrun``, and ``launcher='slurm'`` derives them
    from the ``SLURM_*`` variables (``port`` or ``MASTER_PORT``, default 29500);
    both then start a ``gloo`` group and never touch CUDA.

    Args:
        launcher: ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        backend: Backend wanted on GPUs (``dist_params.backend``); ignored on CPU.
        **kwargs: Other ``dist_params`` (``port`` for slurm, ``timeout`` in seconds).

    Raises:
        ValueError: For an unknown launcher.
    """
    if launcher not in ('pytorch', 'slurm', 'mpi'):
        raise ValueError(
            f"launcher={launcher!r} is not supported; use 'pytorch', 'slurm' or 'mpi' "
            "(or 'none' for a single process)"
        )
    if torch_dist.is_initialized():
        return
    if torch.cuda.is_available() and backend != 'gloo':
        mmengine_init_dist(launcher, backend=backend, **kwargs)
        return
    timeout = kwargs.get('timeout')
    timeout_delta = None if timeout is None else timedelta(seconds=float(timeout))
    if launcher == 'slurm':
        os.environ.setdefault('MASTER_PORT', str(kwargs.get('port', 29500)))
        if 'MASTER_ADDR' not in os.environ:
            os.environ['MASTER_ADDR'] = _slurm_master_addr(os.environ['SLURM_NODELIST'])
        os.environ['RANK'] = os.environ['SLURM_PROCID']
        os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
        os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
    elif launcher == 'mpi':
        os.environ.setdefault('RANK', os.environ.get('OMPI_COMM_WORLD_RANK', '0'))
        os.environ.setdefault('WORLD_SIZE', os.environ.get('OMPI_COMM_WORLD_SIZE', '1'))
        os.environ.setdefault('LOCAL_RANK', os.environ.get('OMPI_COMM_WORLD_LOCAL_RANK', '0'))
        os.environ.setdefault('MASTER_PORT', str(kwargs.get('port', 29500)))
        os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
    _init_gloo(timeout_delta)
    print_log(
        f'initialised a gloo process group on the CPU: rank {torch_dist.get_rank()} '
        f'of {torch_dist.get_world_size()}',
        logger='current',
    )


__all__ = [
    'SAFE_GLOBALS',
    'UnsafeCheckpointError',
    'init_dist',
    'load_checkpoint',
    'load_checkpoint_file',
    'register_safe_globals',
]
