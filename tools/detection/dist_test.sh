#!/usr/bin/env bash
# The detection version of tools/dist_test.sh (same arguments and environment), running tools/detection/test.py.
# Usage: tools/detection/dist_test.sh CONFIG CHECKPOINT GPUS [test.py options]
TASK_DIR="$(cd "$(dirname "$0")" && pwd)"
ENTRY="$TASK_DIR/test.py" exec "$TASK_DIR/../dist_test.sh" "$@"
