"""Dependencies point downward (STYLE.md rule 2, DESIGN.md section 3).

``registry`` < ``utils``/``transforms`` < ``engine`` < each task's ``datasets``
and ``models`` < ``core`` < ``apis``; the two tasks never import each other.
Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mmfewshot

PACKAGE = Path(mmfewshot.__file__).parent
TASKS = ('classification', 'detection')
RANK = {'datasets': 0, 'models': 0, 'core': 1, 'utils': 1, 'apis': 2}


def _layer(module: str) -> tuple[str, ...]:
    parts = module.split('.')[1:]
    if not parts:
        return ('top',)
    if parts[0] in TASKS:
        return (parts[0], parts[1] if len(parts) > 1 else '')
    return (parts[0],)


def _imports(path: Path) -> list[str]:
    module = 'mmfewshot.' + '.'.join(path.relative_to(PACKAGE).with_suffix('').parts)
    package = module if path.name == '__init__.py' else module.rsplit('.', 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[: len(base) - node.level + 1]
                found.append('.'.join([*base, node.module] if node.module else base))
            elif node.module:
                found.append(node.module)
    return [name for name in found if name.split('.')[0] == 'mmfewshot']


def _violation(src: tuple[str, ...], dst: tuple[str, ...]) -> bool:
    lower = {('registry',), ('version',), ('utils',), ('transforms',)}
    if src in lower:
        return dst not in lower
    if src == ('engine',):
        return dst[0] in TASKS
    if src[0] in TASKS:
        if dst[0] in TASKS and dst[0] != src[0]:
            return True
        if dst[0] == src[0]:
            return RANK.get(dst[1], 0) > RANK.get(src[1], 0)
    return False


MODULES = sorted(p for p in PACKAGE.rglob('*.py'))


@pytest.mark.parametrize('path', MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_downward(path: Path) -> None:
    src = _layer('mmfewshot.' + '.'.join(path.relative_to(PACKAGE).with_suffix('').parts))
    bad = [name for name in _imports(path) if _violation(src, _layer(name))]
    assert not bad, f'{path.relative_to(PACKAGE)} imports upward or across tasks: {bad}'


def test_the_checker_catches_an_upward_import() -> None:
    assert _violation(('utils',), ('engine',))
    assert _violation(('classification', 'datasets'), ('detection', 'datasets'))
    assert _violation(('detection', 'datasets'), ('detection', 'core'))
    assert not _violation(('detection', 'core'), ('detection', 'datasets'))
