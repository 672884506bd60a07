"""Shared pytest fixtures: every test runs on CPU with few threads and a clean default scope."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from mmengine.registry import DefaultScope


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks ``gpu`` tests as skipped, with the reason in the summary, when CUDA is missing."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason='needs CUDA (gpu marker); on a GPU machine run pytest -m gpu')
    for item in items:
        if 'gpu' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _mmfewshot_default_scope() -> Iterator[None]:
    """Builds by bare name resolve in the ``mmfewshot`` scope, as under the Runner."""
    if not DefaultScope.check_instance_created('mmfewshot-tests'):
        DefaultScope.get_instance('mmfewshot-tests', scope_name='mmfewshot')
    with DefaultScope.overwrite_default_scope('mmfewshot'):
        yield


@pytest.fixture(autouse=True)
def _few_threads() -> Iterator[None]:
    """Keeps tests from oversubscribing the 2-core CI machine."""
    previous = torch.get_num_threads()
    torch.set_num_threads(min(previous, 2))
    yield
    torch.set_num_threads(previous)
