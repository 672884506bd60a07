#!/usr/bin/env bash
# The detection version of tools/slurm_train.sh (same arguments and environment), running tools/detection/train.py.
# Usage: tools/detection/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]
TASK_DIR="$(cd "$(dirname "$0")" && pwd)"
ENTRY="$TASK_DIR/train.py" exec "$TASK_DIR/../slurm_train.sh" "$@"
