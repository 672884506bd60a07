"""Helpers shared by the classification dataset loaders: subsets, folders, split CSVs."""

from __future__ import annotations

import csv
import os
import os.path as osp
from collections.abc import Sequence

SUBSETS = ('train', 'val', 'test')
DATA_DOC = 'tools/data/classification/README.md'


def as_subset_list(subset: str | Sequence[str]) -> list[str]:
    """Normalises ``subset`` (a name or a list of names) to a list of known names.

    Args:
        subset: ``'train'``, ``'val'``, ``'test'`` or a list of them.

    Returns:
        The subset names, in the given order.
    """
    names = [subset] if isinstance(subset, str) else list(subset)
    if not names:
        raise ValueError(
            f"subset={subset!r} is empty; use 'train', 'val', 'test' or a list of them"
        )
    for name in names:
        if name not in SUBSETS:
            raise ValueError(
                f'subset={name!r} does not exist; use one of '
                f'{", ".join(map(repr, SUBSETS))} or a list of them'
            )
    if len(set(names)) != len(names):
        raise ValueError(f'subset={names} lists a subset twice; list each subset once')
    return names


def require_dir(path: str, what: str, fix: str) -> None:
    """Raises ``FileNotFoundError`` naming ``path`` and ``fix`` if ``path`` is no folder.

    Args:
        path: The folder that must exist.
        what: What the folder is, e.g. ``'data_prefix'``.
        fix: How to get it, one short clause.
    """
    if not osp.isdir(path):
        raise FileNotFoundError(f'{what} {path!r} does not exist or is not a folder; {fix}')


def read_split_csv(csv_path: str) -> list[tuple[int, str, str]]:
    """Reads a mini-ImageNet style split file: a ``filename,label`` header, then rows.

    Args:
        csv_path: Path of the CSV file, e.g. ``data/mini_imagenet/train.csv``.

    Returns:
        ``(line number, filename, label)`` for each data row, in file order.
    """
    if not osp.isfile(csv_path):
        raise FileNotFoundError(
            f'split file {csv_path!r} does not exist; put the {osp.basename(csv_path)} of the '
            f'split next to images/ (see {DATA_DOC})'
        )
    rows: list[tuple[int, str, str]] = []
    with open(csv_path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header] != ['filename', 'label']:
            raise ValueError(
                f'the first line of {csv_path!r} must be the header "filename,label", '
                f'got {",".join(header or [])!r}; add the header line'
            )
        for row in reader:
            line = reader.line_num
            if not row or all(not field.strip() for field in row):
                continue
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise ValueError(
                    f'line {line} of {csv_path!r} is {",".join(row)!r}; '
                    'each row must be "filename,label"'
                )
            rows.append((line, row[0].strip(), row[1].strip()))
    return rows


def list_files(folder: str, extensions: Sequence[str]) -> list[str]:
    """Names of the visible files in ``folder`` whose extension is in ``extensions``.

    Args:
        folder: The folder to list.
        extensions: Lower-case extensions with the dot, e.g. ``('.jpg',)``.

    Returns:
        The matching file names, sorted.
    """
    with os.scandir(folder) as entries:
        return sorted(
            e.name
            for e in entries
            if e.is_file()
            and not e.name.startswith('.')
            and osp.splitext(e.name)[1].lower() in extensions
        )
