import subprocess
import sys

import mmfewshot
from mmfewshot.version import parse_version_info


def test_version_is_exposed() -> None:
    assert mmfewshot.__version__ == '0.1.0'
    assert mmfewshot.version_info == (0, 1, 0)


def test_parse_version_info_keeps_release_candidate() -> None:
    assert parse_version_info('1.2.0rc3') == (1, 2, 0, 'rc3')


FORBIDDEN_CHECK = """
import importlib, pkgutil, sys
import mmfewshot
for info in pkgutil.walk_packages(mmfewshot.__path__, 'mmfewshot.'):
    importlib.import_module(info.name)
prefixes = ('mmcv.ops', 'mmdet', 'mmcls', 'mmpretrain')
bad = [m for m in sys.modules if m.split('.')[0] in prefixes[1:] or m.startswith(prefixes[0])]
print(bad)
sys.exit(1 if bad else 0)
"""


def test_importing_every_module_never_pulls_forbidden_packages() -> None:
    result = subprocess.run([sys.executable, '-c', FORBIDDEN_CHECK], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
