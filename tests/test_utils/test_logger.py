import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from mmengine.logging import MMLogger

from mmfewshot.utils import get_root_logger


@pytest.fixture
def fresh_logger() -> Iterator[None]:
    saved = MMLogger._instance_dict.pop('mmfewshot', None)
    yield
    created = MMLogger._instance_dict.pop('mmfewshot', None)
    if created is not None:
        for handler in created.handlers:
            handler.close()
    if saved is not None:
        MMLogger._instance_dict['mmfewshot'] = saved


@pytest.mark.usefixtures('fresh_logger')
def test_get_root_logger_writes_file_at_level(tmp_path: Path) -> None:
    log_file = tmp_path / 'run.log'
    logger = get_root_logger(log_file=str(log_file), log_level=logging.WARNING)
    assert isinstance(logger, MMLogger)
    assert logger.name == 'mmfewshot'
    logger.info('hidden message')
    logger.warning('visible message')
    for handler in logger.handlers:
        handler.flush()
    text = log_file.read_text()
    assert 'visible message' in text
    assert 'hidden message' not in text


@pytest.mark.usefixtures('fresh_logger')
def test_get_root_logger_returns_same_instance_and_accepts_str_level() -> None:
    first = get_root_logger(log_level='DEBUG')
    assert get_root_logger() is first
    assert get_root_logger(log_level=logging.ERROR) is first
