"""Helpers shared by the transforms of both tasks: tensor conversion, box geometry, image I/O.

The functions here keep the mmcv 1.x / mmcls 0.x / mmdet 2.x conventions that the
0.x configs rely on: boxes are ``(n, 4)`` float32 arrays in ``x1, y1, x2, y2``
pixel coordinates (no ``+1``/``-1`` legacy offset), images are ``H x W x C``
NumPy arrays, and the list of image / box keys to transform lives in
``results['img_fields']`` / ``results['bbox_fields']``.
"""

from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np
import torch

FLIP_DIRECTIONS = ('horizontal', 'vertical', 'diagonal')

_JPEG_SOI = b'\xff\xd8'
_JPEG_EOI = b'\xff\xd9'
_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
_PNG_IEND = b'IEND'


def to_tensor(data: Any) -> torch.Tensor:
    """Converts a pipeline value to a tensor, as mmcls 0.x / mmdet 2.x ``to_tensor`` did.

    Arrays (and NumPy scalars) keep their dtype and shape (a 0-d array gives a
    0-d tensor); sequences go through :func:`torch.tensor`; a Python ``int`` gives
    a ``LongTensor`` of shape ``(1,)`` and a ``float`` a ``FloatTensor`` of shape ``(1,)``.

    Args:
        data: A tensor, NumPy array or scalar, sequence (not a string), int or float.

    Returns:
        The converted tensor (the input itself when it already is one).
    """
    if isinstance(data, torch.Tensor):
        return data
    if isinstance(data, np.ndarray):
        # copy() (not ascontiguousarray, which turns 0-d into 1-d) drops negative strides
        return torch.from_numpy(data if data.flags['C_CONTIGUOUS'] else data.copy())
    if isinstance(data, np.generic):
        return torch.as_tensor(np.asarray(data))
    if isinstance(data, Sequence) and not isinstance(data, str):
        return torch.tensor(data)
    if isinstance(data, int):
        return torch.LongTensor([data])
    if isinstance(data, float):
        return torch.FloatTensor([data])
    raise TypeError(
        f'cannot convert a {type(data).__name__} to a tensor; give a tensor, NumPy array, '
        'sequence, int or float'
    )


def image_fields(results: dict[str, Any]) -> list[str]:
    """The image keys a transform must process (``results['img_fields']``, else ``['img']``)."""
    return list(results.get('img_fields', ['img']))


def require_key(results: dict[str, Any], key: str, transform: str, fix: str) -> Any:
    """Returns ``results[key]``, raising a one-line :class:`KeyError` that names the fix."""
    if key not in results:
        raise KeyError(
            f'{transform} needs results[{key!r}], which is missing (keys present: '
            f'{sorted(results)}); {fix}'
        )
    return results[key]


def flip_bboxes(bboxes: np.ndarray, img_shape: Sequence[int], direction: str) -> np.ndarray:
    """Flips boxes the way mmdet 2.x did: ``x1' = w - x2``, ``x2' = w - x1`` (no ``-1``).

    Args:
        bboxes: Boxes, shape (n, 4 * k), ``x1, y1, x2, y2`` repeated ``k`` times.
        img_shape: Shape of the image the boxes lie in, ``(H, W, ...)``.
        direction: ``'horizontal'``, ``'vertical'`` or ``'diagonal'`` (both).

    Returns:
        The flipped boxes, same shape and dtype (a new array).
    """
    if direction not in FLIP_DIRECTIONS:
        raise ValueError(f'flip direction {direction!r} is unknown; use one of {FLIP_DIRECTIONS}')
    if bboxes.shape[-1] % 4 != 0:
        raise ValueError(f'boxes must have 4*k columns (x1, y1, x2, y2), got shape {bboxes.shape}')
    h, w = img_shape[0], img_shape[1]
    flipped = bboxes.copy()
    if direction in ('horizontal', 'diagonal'):
        flipped[..., 0::4] = w - bboxes[..., 2::4]
        flipped[..., 2::4] = w - bboxes[..., 0::4]
    if direction in ('vertical', 'diagonal'):
        flipped[..., 1::4] = h - bboxes[..., 3::4]
        flipped[..., 3::4] = h - bboxes[..., 1::4]
    return flipped


def clip_bboxes(bboxes: np.ndarray, img_shape: Sequence[int]) -> np.ndarray:
    """Clips box coordinates to ``[0, W]`` (x) and ``[0, H]`` (y); returns a new array."""
    clipped = bboxes.copy()
    clipped[..., 0::2] = np.clip(clipped[..., 0::2], 0, img_shape[1])
    clipped[..., 1::2] = np.clip(clipped[..., 1::2], 0, img_shape[0])
    return clipped


def file_backend_args(file_client_args: dict[str, Any] | None) -> dict[str, Any]:
    """Normalises mmcv 1.x ``file_client_args`` (``backend='disk'``) to mmengine backend args."""
    args = dict(file_client_args) if file_client_args is not None else {'backend': 'disk'}
    if args.get('backend', 'disk') in ('disk', 'local'):
        args['backend'] = 'local'
    return args


def read_bytes(filename: str, backend_args: dict[str, Any]) -> bytes:
    """Reads a whole file, raising one clear line when a local file does not exist.

    Args:
        filename: Path (or URI for remote backends) of the file.
        backend_args: mmengine file backend arguments, see :func:`file_backend_args`.

    Returns:
        The file content.
    """
    if backend_args.get('backend') == 'local':
        if not osp.isfile(filename):
            raise FileNotFoundError(
                f'image file {filename} does not exist; check data_prefix/img_prefix in the '
                'dataset config and that the dataset is fully unpacked'
            )
        with open(filename, 'rb') as f:
            return f.read()
    from mmengine import fileio  # remote backends only; local reads need no mmengine I/O

    return fileio.get(filename, backend_args=backend_args)


def _looks_truncated(content: bytes) -> bool:
    """Whether a JPEG or PNG byte string lacks its end marker (a cut-off download)."""
    if content.startswith(_JPEG_SOI):
        # Entropy-coded JPEG data never contains FFD9 except as the end marker, so a
        # complete file has it near the end (a few trailing pad bytes are tolerated).
        return _JPEG_EOI not in content[-1024:]
    if content.startswith(_PNG_SIGNATURE):
        return _PNG_IEND not in content[-64:]
    return False


def decode_image(
    content: bytes, filename: str, color_type: str = 'color', channel_order: str = 'bgr'
) -> np.ndarray:
    """Decodes image bytes with :func:`mmcv.imfrombytes`, failing loudly on bad data.

    Args:
        content: Encoded image (JPEG, PNG, ...).
        filename: Where the bytes come from; only used in error messages.
        color_type: ``'color'``, ``'grayscale'`` or ``'unchanged'`` (mmcv flags).
        channel_order: ``'bgr'`` or ``'rgb'``.

    Returns:
        The image, ``H x W x C`` (``H x W`` for grayscale), usually uint8.
    """
    fix = 're-download or re-extract it, or remove it from the annotation list'
    if len(content) == 0:
        raise OSError(f'image file {filename} is empty; {fix}')
    if _looks_truncated(content):
        raise OSError(f'image file {filename} is truncated (no end-of-image marker); {fix}')
    try:
        img = mmcv.imfrombytes(content, flag=color_type, channel_order=channel_order)
    except Exception as err:  # pillow/turbojpeg backends raise their own types
        raise OSError(f'image file {filename} cannot be decoded ({err}); {fix}') from err
    if img is None:
        raise OSError(f'image file {filename} cannot be decoded (corrupt or not an image); {fix}')
    return img
