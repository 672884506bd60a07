#!/usr/bin/env bash
# The classification version of tools/slurm_test.sh (same arguments and environment), running tools/classification/test.py.
# Usage: tools/classification/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]
TASK_DIR="$(cd "$(dirname "$0")" && pwd)"
ENTRY="$TASK_DIR/test.py" exec "$TASK_DIR/../slurm_test.sh" "$@"
