"""Train on a config of either task: ``python tools/train.py CONFIG [options]``.

The task (``task`` key, ``configs/<task>/`` location, or the model's package)
selects ``tools/classification/train.py`` or ``tools/detection/train.py``,
which receive the same arguments.
"""

from __future__ import annotations

import sys

from dispatch import dispatch

if __name__ == '__main__':
    dispatch('train', sys.argv[1:])
