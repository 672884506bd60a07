#!/usr/bin/env bash
# The classification version of tools/dist_train.sh (same arguments and environment), running tools/classification/train.py.
# Usage: tools/classification/dist_train.sh CONFIG GPUS [train.py options]
TASK_DIR="$(cd "$(dirname "$0")" && pwd)"
ENTRY="$TASK_DIR/train.py" exec "$TASK_DIR/../dist_train.sh" "$@"
