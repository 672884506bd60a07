"""``custom_imports`` in a config, both ways of ``allow_failed_imports`` (tutorials)."""

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mmengine.config import Config

from mmfewshot.registry import MODELS


@pytest.fixture
def user_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A user package on sys.path whose module registers a backbone into our MODELS.

    Yields (dotted module name, registered class name); unregisters on teardown.
    """
    tag = uuid.uuid4().hex[:8]
    package, cls_name = f'my_project_{tag}', f'MyBackbone{tag}'
    pkg_dir = tmp_path / 'user_code' / package / 'models'
    pkg_dir.mkdir(parents=True)
    (pkg_dir.parent / '__init__.py').write_text('')
    (pkg_dir / '__init__.py').write_text('')
    (pkg_dir / 'my_backbone.py').write_text(
        'import torch.nn as nn\n'
        'from mmfewshot.registry import BACKBONES\n\n\n'
        '@BACKBONES.register_module()\n'
        f'class {cls_name}(nn.Module):\n'
        '    def __init__(self, arg1, arg2=2):\n'
        '        super().__init__()\n'
        '        self.arg1, self.arg2 = arg1, arg2\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path / 'user_code'))
    yield f'{package}.models.my_backbone', cls_name
    MODELS._module_dict.pop(cls_name, None)
    for name in [m for m in sys.modules if m.startswith(package)]:
        del sys.modules[name]


def test_custom_imports_register_user_modules(
    user_package: tuple[str, str], write_config: Callable[[str, str], Path]
) -> None:
    module, cls_name = user_package
    config = write_config(
        'cfg.py',
        f"""
        custom_imports = dict(imports=['{module}'], allow_failed_imports=False)
        model = dict(type='ProtoNet', backbone=dict(type='{cls_name}', arg1=7))
        """,
    )
    assert cls_name not in MODELS
    cfg = Config.fromfile(str(config))
    assert module in sys.modules
    backbone = MODELS.build(cfg.model.backbone)
    assert type(backbone).__name__ == cls_name
    assert (backbone.arg1, backbone.arg2) == (7, 2)


def test_missing_custom_import_fails_by_default(write_config: Callable[[str, str], Path]) -> None:
    config = write_config(
        'cfg.py',
        """
        custom_imports = dict(imports=['no_such_module_for_mmfewshot'])
        model = dict(type='ProtoNet')
        """,
    )
    with pytest.raises(ImportError, match='Failed to import custom modules'):
        Config.fromfile(str(config))


def test_missing_custom_import_is_skipped_when_allowed(
    user_package: tuple[str, str], write_config: Callable[[str, str], Path]
) -> None:
    module, cls_name = user_package
    config = write_config(
        'cfg.py',
        f"""
        custom_imports = dict(
            imports=['no_such_module_for_mmfewshot', '{module}'], allow_failed_imports=True)
        model = dict(type='ProtoNet')
        """,
    )
    with pytest.warns(UserWarning, match='no_such_module_for_mmfewshot failed to import'):
        cfg = Config.fromfile(str(config))
    assert cfg.model.type == 'ProtoNet'
    assert cls_name in MODELS  # the importable module was still imported


def test_custom_imports_in_a_base_config(
    user_package: tuple[str, str], write_config: Callable[[str, str], Path]
) -> None:
    module, cls_name = user_package
    write_config('_base_/imports.py', f"custom_imports = dict(imports=['{module}'])\n")
    leaf = write_config('leaf.py', "_base_ = './_base_/imports.py'\n")
    Config.fromfile(str(leaf))
    assert cls_name in MODELS
