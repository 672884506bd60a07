#!/usr/bin/env bash
# The classification version of tools/dist_test.sh (same arguments and environment), running tools/classification/test.py.
# Usage: tools/classification/dist_test.sh CONFIG CHECKPOINT GPUS [test.py options]
TASK_DIR="$(cd "$(dirname "$0")" && pwd)"
ENTRY="$TASK_DIR/test.py" exec "$TASK_DIR/../dist_test.sh" "$@"
