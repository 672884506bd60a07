"""The bridge between MMFewShot's 0.x configs and hooks and mmengine's Runner."""

from .checkpoint_io import from_plain_checkpoint, to_plain_checkpoint, to_plain_data
from .config_translation import RunnerPlan, is_legacy_config, translate_config
from .hooks import DistEvalHook, EvalHook, Hook, LegacyHookAdapter, WorkflowValHook
from .inference_loops import multi_gpu_test, single_gpu_test
from .launch import detect_task, load_config
from .model_wrapper import FewShotDistributedDataParallel, average_gradients
from .runner import FewShotRunner
from .runner_builder import build_runner, default_work_dir
from .schedulers import LegacyLrScheduler, LegacyMomentumScheduler, LegacyParamScheduler
from .train import build_train_dataloaders, default_eval_hooks, train_model

__all__ = [
    'DistEvalHook',
    'EvalHook',
    'FewShotDistributedDataParallel',
    'FewShotRunner',
    'Hook',
    'LegacyHookAdapter',
    'LegacyLrScheduler',
    'LegacyMomentumScheduler',
    'LegacyParamScheduler',
    'RunnerPlan',
    'WorkflowValHook',
    'average_gradients',
    'build_runner',
    'build_train_dataloaders',
    'default_eval_hooks',
    'default_work_dir',
    'detect_task',
    'from_plain_checkpoint',
    'is_legacy_config',
    'load_config',
    'multi_gpu_test',
    'single_gpu_test',
    'to_plain_checkpoint',
    'to_plain_data',
    'train_model',
    'translate_config',
]
