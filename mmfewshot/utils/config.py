"""``--cfg-options`` with one-line, actionable errors on top of mmengine's config system.

mmengine's :class:`~mmengine.config.DictAction` and
:meth:`~mmengine.config.Config.merge_from_dict` implement everything the 0.x
config tutorials promise (dict chains, list indices, list/tuple values), but
malformed input ends in a traceback: ``--cfg-options foo`` raises
``ValueError: not enough values to unpack``, ``a=[1,2`` an ``AssertionError``,
``data.train.pipeline.x.type=A`` a ``TypeError`` about "child config". The two
helpers here keep mmengine's behaviour for valid input and turn bad input into
an error that names the item and the fix.

Tools use them exactly like mmengine's::

    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    ...
    cfg = merge_cfg_options(cfg, args.cfg_options)
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from mmengine.config import Config
from mmengine.config import DictAction as _MMEngineDictAction

_EXAMPLE = 'e.g. optimizer.lr=0.01, data.train.pipeline.0.type=X or workflow="[(train,1),(val,1)]"'


def _check_item(item: str) -> str | None:
    """Returns why ``item`` is not a valid ``KEY=VALUE`` string, or ``None``."""
    if '=' not in item:
        return 'it has no "="'
    key, value = item.split('=', maxsplit=1)
    if not key or any(not part for part in key.split('.')) or key != key.strip():
        return f'the key {key!r} is empty, has an empty part or spaces'
    for opening, closing in ('()', '[]'):
        if value.count(opening) != value.count(closing):
            return f'the value has unbalanced {opening}{closing} brackets'
    stack: list[str] = []
    for char in value:
        if char in '([':
            stack.append(')' if char == '(' else ']')
        elif char in ')]' and (not stack or stack.pop() != char):
            return 'the value has brackets closed before they open or crossed, like ")(" or "([)]"'
    return None


class DictAction(_MMEngineDictAction):
    """mmengine's ``DictAction`` that reports malformed items as argparse errors.

    Values are parsed exactly as by :class:`mmengine.config.DictAction`
    (``1`` -> int, ``True`` -> bool, ``None`` -> None, ``a,b`` and ``[a,b]`` ->
    list, ``(a,b)`` -> tuple, nested brackets allowed, no spaces inside);
    an item that is not ``KEY=VALUE`` makes the parser exit with
    ``error: argument --cfg-options: ...`` naming the item and the fix.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Validates each ``KEY=VALUE`` item, then parses them as mmengine does."""
        items = [values] if isinstance(values, str) else list(values or [])
        for item in items:
            problem = _check_item(str(item))
            if problem is not None:
                raise argparse.ArgumentError(
                    self, f'bad item {item!r}: {problem}; write KEY=VALUE, {_EXAMPLE}'
                )
        try:
            super().__call__(parser, namespace, values, option_string)
        except (
            AssertionError,
            ValueError,
            RecursionError,
        ) as exc:  # mmengine's parser asserts on odd input
            raise argparse.ArgumentError(
                self, f'cannot parse {values!r} ({exc}); write KEY=VALUE, {_EXAMPLE}'
            ) from exc


def _check_path(cfg: Mapping[str, Any], key: str) -> None:
    """Raises if the dotted ``key`` walks through something it cannot index."""
    node: Any = cfg
    parts = key.split('.')
    for depth, part in enumerate(parts):
        where = '.'.join(parts[:depth]) or '<config>'
        if isinstance(node, list):
            if not part.isdigit():
                raise ValueError(
                    f'--cfg-options {key}: {where} is a list, so {part!r} must be an index '
                    f'in [0, {len(node)}); e.g. {where}.0'
                )
            if int(part) >= len(node):
                raise ValueError(
                    f'--cfg-options {key}: index {part} is out of range for {where} '
                    f'(a list of length {len(node)}); use an index in [0, {len(node)})'
                )
            node = node[int(part)]
        elif isinstance(node, Mapping | Config):
            if part not in node:
                return  # merging creates missing keys, as in mmcv 1.x
            node = node[part]
        else:
            raise ValueError(
                f'--cfg-options {key}: {where} is a {type(node).__name__}, not a dict or list, '
                f'so it has no {part!r}; set it whole instead, e.g. {where}=...'
            )


def merge_cfg_options(cfg: Config, options: Mapping[str, Any] | None) -> Config:
    """Applies parsed ``--cfg-options`` to ``cfg`` in place (mmengine semantics) and returns it.

    Args:
        cfg: The loaded config.
        options: The ``{dotted.key: value}`` dict from :class:`DictAction`,
            or ``None`` (nothing to do).

    Returns:
        ``cfg`` itself, updated.

    Raises:
        ValueError: If a key indexes a list with a non-number or out of range,
            or walks into a value that is neither a dict nor a list.
    """
    if not options:
        return cfg
    for key in options:
        _check_path(cfg, key)
    cfg.merge_from_dict(dict(options))
    return cfg


__all__ = ['DictAction', 'merge_cfg_options']
