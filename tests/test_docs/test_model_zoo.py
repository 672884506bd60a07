"""docs/model_zoo.md: the protocol it states is the one of the Glyphs configs it links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / 'docs' / 'model_zoo.md'
README_LINKS = re.findall(r'\(\.\./(configs/classification/(\w+)/README\.md)\)', PAGE.read_text())


def test_every_classification_method_is_listed() -> None:
    linked = sorted(algo for _, algo in README_LINKS)
    with_glyphs = sorted(p.parent.name for p in REPO_ROOT.glob('configs/classification/*/glyphs'))
    assert linked == with_glyphs
    assert len(linked) == 8


@pytest.mark.parametrize('algo', sorted(algo for _, algo in README_LINKS))
def test_glyphs_test_protocol_is_2000_seeded_tasks(algo: str) -> None:
    configs = sorted((REPO_ROOT / 'configs' / 'classification' / algo / 'glyphs').glob('*.py'))
    assert [c.name.endswith(('5way-1shot.py', '5way-5shot.py')) for c in configs] == [True, True]
    for config in configs:
        test = Config.fromfile(str(config)).data.test
        assert (test.type, test.num_episodes, test.episodes_seed) == ('MetaTestDataset', 2000, 0)
        assert test.meta_test_cfg.num_episodes == 2000
        assert test.num_ways == 5
