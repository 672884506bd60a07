"""Test on a config of either task: ``python tools/test.py CONFIG CHECKPOINT [options]``.

The task (``task`` key, ``configs/<task>/`` location, or the model's package)
selects ``tools/classification/test.py`` or ``tools/detection/test.py``, which
receive the same arguments.
"""

from __future__ import annotations

import sys

from dispatch import dispatch

if __name__ == '__main__':
    dispatch('test', sys.argv[1:])
