"""The package logger (``get_root_logger`` of the 0.x API)."""

from __future__ import annotations

import logging

from mmengine.logging import MMLogger

_LOGGER_NAME = 'mmfewshot'


def get_root_logger(log_file: str | None = None, log_level: int | str = logging.INFO) -> MMLogger:
    """Returns the ``mmfewshot`` :class:`~mmengine.logging.MMLogger`, creating it on first use.

    As in mmcv 1.x, the first call configures the logger (file handler and
    level); later calls return the same logger and ignore their arguments.
    Non-zero ranks of a distributed run log errors only (mmengine's rule).

    Args:
        log_file: Path of a log file to add on creation, or ``None``.
        log_level: Logging level, e.g. ``logging.INFO`` or ``'DEBUG'``.

    Returns:
        The logger named ``mmfewshot``.
    """
    if MMLogger.check_instance_created(_LOGGER_NAME):
        return MMLogger.get_instance(_LOGGER_NAME)
    return MMLogger.get_instance(
        _LOGGER_NAME, logger_name=_LOGGER_NAME, log_file=log_file, log_level=log_level
    )


__all__ = ['get_root_logger']
