import subprocess
import sys

import pytest

import mmfewshot.utils as utils

DOCUMENTED = [
    'multi_pipeline_collate_fn',
    'local_numpy_seed',
    'InfiniteSampler',
    'InfiniteGroupSampler',
    'DistributedInfiniteSampler',
    'DistributedInfiniteGroupSampler',
    'get_root_logger',
    'check_dist_init',
    'sync_random_seed',
    'compat_cfg',
    'DataContainer',
    'collate',
]


def test_documented_names_are_exported() -> None:
    for name in DOCUMENTED:
        assert name in utils.__all__
        assert getattr(utils, name) is not None


def test_every_exported_name_exists() -> None:
    missing = [name for name in utils.__all__ if not hasattr(utils, name)]
    assert missing == []


@pytest.mark.slow  # a fresh interpreter importing torch and mmengine: 3-10 s
def test_registries_find_utils_classes_lazily() -> None:
    # a fresh interpreter: nothing imports mmfewshot.utils before the registry lookup
    code = (
        'import sys\n'
        'from mmfewshot.registry import DATA_SAMPLERS, MODELS\n'
        "assert 'mmfewshot.utils' not in sys.modules\n"
        'names = ["InfiniteSampler", "InfiniteGroupSampler", "DistributedInfiniteSampler",\n'
        '         "DistributedInfiniteGroupSampler", "DistributedSampler", "GroupSampler",\n'
        '         "DistributedGroupSampler"]\n'
        'print([DATA_SAMPLERS.get(n).__module__ for n in names])\n'
        "print(MODELS.get('FewShotDataPreprocessor').__module__)\n"
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    samplers, preprocessor = out.stdout.strip().splitlines()[-2:]
    assert samplers.count('mmfewshot.utils.') == 7
    assert preprocessor == 'mmfewshot.utils.data_preprocessor'
