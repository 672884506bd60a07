"""Every relative link of the documentation points at an existing file (and heading)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / 'docs'
_LINK = re.compile(r'\]\(([^)\s]+)\)')
_FENCE = re.compile(r'```.*?```', re.DOTALL)


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r'[`*_]', lambda m: '_' if m.group() == '_' else '', heading.strip().lower())
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def _anchors(page: Path) -> set[str]:
    text = _FENCE.sub('', page.read_text(encoding='utf-8'))
    return {_slug(m) for m in re.findall(r'^#+ (.+)$', text, flags=re.MULTILINE)}


PAGES = sorted(DOCS.rglob('*.md'))


@pytest.mark.parametrize('page', PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    text = _FENCE.sub('', page.read_text(encoding='utf-8'))
    for target in _LINK.findall(text):
        if re.match(r'[a-z]+://', target):
            continue
        path, _, anchor = target.partition('#')
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f'{page.relative_to(DOCS)}: broken link {target}'
        if anchor and resolved.suffix == '.md':
            assert anchor in _anchors(resolved), f'{page.relative_to(DOCS)}: no heading #{anchor}'


def test_slug_rule() -> None:
    assert _slug('Your own modules: `custom_imports`') == 'your-own-modules-custom_imports'
    assert _slug('Tutorial 4: Customize runtime settings (detection)') == (
        'tutorial-4-customize-runtime-settings-detection'
    )
