"""Runs the task-specific tool (classification or detection) that a config belongs to."""

from __future__ import annotations

import argparse
import importlib.util
import os.path as osp
from types import ModuleType

from mmfewshot.engine.launch import detect_task, load_config
from mmfewshot.utils import DictAction

TOOLS_DIR = osp.dirname(osp.abspath(__file__))


def load_tool(task: str, name: str) -> ModuleType:
    """Imports ``tools/<task>/<name>.py`` as a module."""
    path = osp.join(TOOLS_DIR, task, f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'mmfewshot_tools_{task}_{name}', path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def task_of(argv: list[str]) -> str:
    """The task of the config named in ``argv`` (``--cfg-options task=...`` counts)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    known, _ = parser.parse_known_args(argv)
    cfg = load_config(known.config, known.cfg_options)
    return detect_task(cfg, known.config)


def dispatch(name: str, argv: list[str]) -> None:
    """Runs ``main(argv)`` of ``tools/<task>/<name>.py`` for the config's task."""
    if not argv or argv[0] in ('-h', '--help'):
        print(f'usage: tools/{name}.py CONFIG ... (the options of tools/<task>/{name}.py)')
        return
    load_tool(task_of(argv), name).main(argv)
