"""Every registry of MMFewShot, as children of mmengine's root registries.

Each node has scope ``mmfewshot`` and lazy ``locations``: the modules that
register into it are imported the first time a name is looked up, so
``MODELS.build(dict(type='ProtoNet', ...))`` works without importing
``mmfewshot.classification`` first.

The 0.x names (``CLASSIFIERS``, ``BACKBONES``, ``HEADS``, ``LOSSES``,
``DETECTORS``, ``SHARED_HEADS``, ``ROI_EXTRACTORS``, ``NECKS``, ``AGGREGATORS``,
``PIPELINES``) are aliases of the node that holds them, as in mmdet 3.x: a
backbone and a classifier live in one ``MODELS`` registry.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

SCOPE = 'mmfewshot'


class UnknownTypeError(KeyError):
    """Raised when a config names a ``type`` that no registry in reach holds.

    Subclasses :class:`KeyError` so that code written against mmengine's
    ``build_from_cfg`` (which raises ``KeyError``) keeps working; ``str()``
    gives the one-line message instead of ``KeyError``'s quoted repr.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


class FewShotRegistry(Registry):
    """An mmengine :class:`~mmengine.registry.Registry` whose misses explain themselves.

    ``get`` raises :class:`UnknownTypeError` naming the registry and the closest
    registered names (this node and its ancestors) instead of returning ``None``;
    membership tests (``'X' in REGISTRY``) stay silent.
    """

    def get(self, key: str) -> Any:
        """Returns the class registered as ``key``; raises if there is none."""
        try:
            obj = super().get(key)
        except RuntimeError:  # mmengine's fallback for dotted names
            obj = None
        if obj is None:
            raise UnknownTypeError(self._unknown_message(key))
        return obj

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            return super().get(key) is not None
        except RuntimeError:
            return False

    def known_names(self) -> list[str]:
        """Names registered in this node and every ancestor, sorted."""
        # mmengine's own roots have no lazy locations; importing the runner
        # registers its hooks, loops, optimizers, schedulers and datasets.
        importlib.import_module('mmengine.runner')
        names: set[str] = set()
        node: Registry | None = self
        while node is not None:
            node.import_from_location()
            names.update(node.module_dict)
            node = node.parent
        return sorted(names)

    def _unknown_message(self, key: str) -> str:
        _, real_key = self.split_scope_key(key)
        close = difflib.get_close_matches(real_key, self.known_names(), n=5, cutoff=0.5)
        hint = (
            f'closest registered names: {", ".join(close)}'
            if close
            else 'no registered name is close to it'
        )
        return (
            f"type='{key}' is not in the {self.scope}::{self.name} registry ({hint}); "
            'fix the spelling, or import the module that registers it '
            '(e.g. custom_imports=dict(imports=[...]) in the config)'
        )


def _child(name: str, parent: Registry, locations: list[str]) -> FewShotRegistry:
    return FewShotRegistry(name, parent=parent, scope=SCOPE, locations=locations)


_CLS = 'mmfewshot.classification'
_DET = 'mmfewshot.detection'

# Runners and their parts.
RUNNERS = _child('runner', MMENGINE_RUNNERS, ['mmfewshot.engine', 'mmfewshot.utils'])
RUNNER_CONSTRUCTORS = _child(
    'runner constructor', MMENGINE_RUNNER_CONSTRUCTORS, ['mmfewshot.engine']
)
LOOPS = _child('loop', MMENGINE_LOOPS, ['mmfewshot.engine'])
HOOKS = _child('hook', MMENGINE_HOOKS, ['mmfewshot.engine', f'{_CLS}.core', f'{_DET}.core'])
LOG_PROCESSORS = _child('log_processor', MMENGINE_LOG_PROCESSORS, ['mmfewshot.engine'])
OPTIMIZERS = _child('optimizer', MMENGINE_OPTIMIZERS, ['mmfewshot.engine'])
OPTIM_WRAPPERS = _child('optim_wrapper', MMENGINE_OPTIM_WRAPPERS, ['mmfewshot.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    'optimizer wrapper constructor', MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS, ['mmfewshot.engine']
)
PARAM_SCHEDULERS = _child('parameter scheduler', MMENGINE_PARAM_SCHEDULERS, ['mmfewshot.engine'])

# Data.
DATASETS = _child(
    'dataset', MMENGINE_DATASETS, ['mmfewshot.utils', f'{_CLS}.datasets', f'{_DET}.datasets']
)
DATA_SAMPLERS = _child('data sampler', MMENGINE_DATA_SAMPLERS, ['mmfewshot.utils'])
TRANSFORMS = _child(
    'transform',
    MMENGINE_TRANSFORMS,
    ['mmfewshot.transforms', f'{_CLS}.datasets.pipelines', f'{_DET}.datasets.pipelines'],
)
FUNCTIONS = _child('function', MMENGINE_FUNCTIONS, ['mmfewshot.utils'])

# Models.
MODELS = _child('model', MMENGINE_MODELS, ['mmfewshot.utils', f'{_CLS}.models', f'{_DET}.models'])
MODEL_WRAPPERS = _child(
    'model_wrapper', MMENGINE_MODEL_WRAPPERS, ['mmfewshot.engine', f'{_CLS}.utils']
)
WEIGHT_INITIALIZERS = _child(
    'weight initializer', MMENGINE_WEIGHT_INITIALIZERS, ['mmfewshot.engine']
)
TASK_UTILS = _child('task util', MMENGINE_TASK_UTILS, [f'{_DET}.models.task_modules'])

# Evaluation and visualisation.
METRICS = _child('metric', MMENGINE_METRICS, [f'{_CLS}.core', f'{_DET}.core'])
EVALUATOR = _child('evaluator', MMENGINE_EVALUATOR, ['mmfewshot.engine'])
VISUALIZERS = _child('visualizer', MMENGINE_VISUALIZERS, ['mmfewshot.engine'])
VISBACKENDS = _child('vis_backend', MMENGINE_VISBACKENDS, ['mmfewshot.engine'])

# The 0.x names, kept because the tutorials and user code import them.
CLASSIFIERS = MODELS
BACKBONES = MODELS
NECKS = MODELS
HEADS = MODELS
LOSSES = MODELS
DETECTORS = MODELS
SHARED_HEADS = MODELS
ROI_EXTRACTORS = MODELS
AGGREGATORS = MODELS
PIPELINES = TRANSFORMS

__all__ = [
    'AGGREGATORS',
    'BACKBONES',
    'CLASSIFIERS',
    'DATASETS',
    'DATA_SAMPLERS',
    'DETECTORS',
    'EVALUATOR',
    'FUNCTIONS',
    'HEADS',
    'HOOKS',
    'LOG_PROCESSORS',
    'LOOPS',
    'LOSSES',
    'METRICS',
    'MODELS',
    'MODEL_WRAPPERS',
    'NECKS',
    'OPTIMIZERS',
    'OPTIM_WRAPPERS',
    'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS',
    'PIPELINES',
    'ROI_EXTRACTORS',
    'RUNNERS',
    'RUNNER_CONSTRUCTORS',
    'SCOPE',
    'SHARED_HEADS',
    'TASK_UTILS',
    'TRANSFORMS',
    'VISBACKENDS',
    'VISUALIZERS',
    'WEIGHT_INITIALIZERS',
    'FewShotRegistry',
    'UnknownTypeError',
]
