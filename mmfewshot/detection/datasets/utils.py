"""Small helpers of the detection datasets: JSON encoding of NumPy values, atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import numpy as np


class NumpyEncoder(json.JSONEncoder):
    """JSON encoder that writes NumPy scalars as numbers and arrays as nested lists.

    Examples:
        >>> json.dumps({'labels': np.array([1, 2])}, cls=NumpyEncoder)
        '{"labels": [1, 2]}'
    """

    def default(self, o: Any) -> Any:
        """Converts the NumPy values that :class:`json.JSONEncoder` refuses."""
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, np.integer):
            return int(o)
        if isinstance(o, np.floating):
            return float(o)
        if isinstance(o, np.bool_):
            return bool(o)
        return super().default(o)


def get_copy_dataset_type(dataset_type: str) -> str:
    """Returns the registered name of the dataset that copies infos of ``dataset_type``.

    The builder uses it for ``copy_from_query_dataset``: a copy dataset takes
    ``ann_cfg=[dict(data_infos=...)]`` instead of annotation files.

    Args:
        dataset_type: Registered name of a VOC or COCO few-shot dataset.

    The answer is the registered class's ``COPY_DATASET_TYPE`` attribute, so a
    user dataset that subclasses a VOC or COCO dataset (and its copy) declares
    its own.

    Raises:
        TypeError: When ``dataset_type`` has no copy counterpart.
    """
    from mmfewshot.registry import DATASETS

    copy_type = getattr(DATASETS.get(dataset_type), 'COPY_DATASET_TYPE', None)
    if not copy_type:
        raise TypeError(
            f'dataset type {dataset_type!r} cannot copy data_infos: it has no '
            'COPY_DATASET_TYPE; use a FewShotVOC*/FewShotCoco* dataset or set '
            'COPY_DATASET_TYPE on your dataset class'
        )
    return str(copy_type)


def dump_json_atomic(obj: Any, path: str, indent: int | None = None) -> None:
    """Writes ``obj`` as JSON to ``path`` through a temporary file and a rename.

    A crash mid-write leaves no half-written ``path`` behind. NumPy values are
    encoded with :class:`NumpyEncoder`.

    Args:
        obj: JSON-serialisable object (NumPy arrays and scalars allowed).
        path: Destination file; its folder is created when missing.
        indent: Indentation passed to :func:`json.dump`.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp_', suffix='.json')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(obj, f, cls=NumpyEncoder, ensure_ascii=False, indent=indent)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_text_atomic(text: str, path: str) -> None:
    """Writes ``text`` to ``path`` through a temporary file and a rename.

    Args:
        text: File content.
        path: Destination file; its folder is created when missing.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp_', suffix='.txt')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def ensure_file(path: str, what: str, fix: str) -> None:
    """Raises :class:`FileNotFoundError` naming ``path`` and the fix when it is not a file."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} '{path}' does not exist; {fix}")


__all__ = [
    'NumpyEncoder',
    'dump_json_atomic',
    'ensure_file',
    'get_copy_dataset_type',
    'write_text_atomic',
]
