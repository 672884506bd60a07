from __future__ import annotations

from typing import Any

import pytest

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import Compose, ToTensor


def test_compose_builds_configs_and_accepts_callables() -> None:
    calls: list[str] = []

    def mark(results: dict[str, Any]) -> dict[str, Any]:
        calls.append('mark')
        results['marked'] = True
        return results

    pipeline = Compose([dict(type='ToTensor', keys=['gt_label']), mark])
    assert isinstance(pipeline.transforms[0], ToTensor)
    out = pipeline({'gt_label': 3})
    assert out['gt_label'].tolist() == [3]
    assert out['marked'] is True
    assert calls == ['mark']


def test_compose_stops_at_the_first_none() -> None:
    calls: list[str] = []

    def drop(results: dict[str, Any]) -> None:
        calls.append('drop')
        return None

    def later(results: dict[str, Any]) -> dict[str, Any]:
        calls.append('later')
        return results

    assert Compose([drop, later])({'a': 1}) is None
    assert calls == ['drop']


def test_compose_is_registered_and_has_readable_repr() -> None:
    pipeline = TRANSFORMS.build(
        dict(type='Compose', transforms=[dict(type='ToTensor', keys=['gt_label'])])
    )
    assert isinstance(pipeline, Compose)
    assert repr(pipeline) == "Compose([\n    ToTensor(keys=['gt_label']),\n])"
    assert repr(Compose([])) == 'Compose([])'


def test_compose_rejects_bad_entries() -> None:
    with pytest.raises(TypeError, match='pipeline entry 1 is a int'):
        Compose([dict(type='ToTensor', keys=['x']), 3])
    with pytest.raises(TypeError, match='wrap a single transform in a list'):
        Compose(dict(type='ToTensor', keys=['x']))  # type: ignore[arg-type]


def test_compose_reports_unknown_type() -> None:
    with pytest.raises(KeyError, match="type='RandomResizeCrop'"):
        Compose([dict(type='RandomResizeCrop', size=84)])
