import copy

import pytest
from mmengine.config import Config

from mmfewshot.utils import compat_cfg


def _cfg() -> dict:
    return dict(
        data=dict(
            samples_per_gpu=2,
            workers_per_gpu=3,
            persistent_workers=True,
            train=dict(type='A'),
            val=dict(type='B', samples_per_gpu=4),
            test=dict(type='C', samples_per_gpu=5),
        ),
        runner=dict(type='EpochBasedRunner', max_epochs=12),
    )


def test_compat_cfg_moves_loader_args_without_mutating_input() -> None:
    cfg = _cfg()
    before = copy.deepcopy(cfg)
    new = compat_cfg(cfg)
    assert cfg == before
    data = new['data']
    assert data['train_dataloader'] == dict(
        samples_per_gpu=2, persistent_workers=True, workers_per_gpu=3
    )
    assert data['val_dataloader'] == dict(workers_per_gpu=3, samples_per_gpu=4)
    assert data['test_dataloader'] == dict(workers_per_gpu=3, samples_per_gpu=5)
    for key in ('samples_per_gpu', 'workers_per_gpu', 'persistent_workers'):
        assert key not in data
    assert data['val'] == dict(type='B')
    assert data['test'] == dict(type='C')


def test_compat_cfg_works_on_mmengine_config() -> None:
    cfg = Config(_cfg())
    new = compat_cfg(cfg)
    assert isinstance(new, Config)
    assert new.data.val_dataloader.samples_per_gpu == 4
    assert cfg.data.val.samples_per_gpu == 4  # input untouched


def test_compat_cfg_creates_empty_loader_dicts() -> None:
    new = compat_cfg(dict(data=dict(train=dict(type='A'), val=dict(type='B'), test=dict(type='C'))))
    assert new['data']['train_dataloader'] == {}
    assert new['data']['val_dataloader'] == {}
    assert new['data']['test_dataloader'] == {}


def test_compat_cfg_keeps_explicit_workers_per_loader() -> None:
    cfg = _cfg()
    cfg['data']['test_dataloader'] = dict(workers_per_gpu=0)
    assert compat_cfg(cfg)['data']['test_dataloader']['workers_per_gpu'] == 0


def test_compat_cfg_list_of_test_datasets_takes_max() -> None:
    cfg = dict(data=dict(test=[dict(type='C', samples_per_gpu=3), dict(type='D')]))
    new = compat_cfg(cfg)
    assert new['data']['test_dataloader'] == dict(samples_per_gpu=3)
    assert new['data']['test'] == [dict(type='C'), dict(type='D')]


def test_compat_cfg_imgs_per_gpu() -> None:
    with pytest.warns(UserWarning, match='imgs_per_gpu is deprecated'):
        new = compat_cfg(dict(data=dict(imgs_per_gpu=6)))
    assert new['data']['train_dataloader']['samples_per_gpu'] == 6
    with pytest.warns(UserWarning, match='its value 6 is used'):
        new = compat_cfg(dict(data=dict(imgs_per_gpu=6, samples_per_gpu=2)))
    assert new['data']['train_dataloader']['samples_per_gpu'] == 6


def test_compat_cfg_conflicts_raise() -> None:
    cfg = _cfg()
    cfg['data']['val_dataloader'] = dict(samples_per_gpu=1)
    with pytest.raises(ValueError, match=r'data\.val\.samples_per_gpu is deprecated .* keep only'):
        compat_cfg(cfg)
    cfg = _cfg()
    cfg['data']['train_dataloader'] = dict(samples_per_gpu=1)
    with pytest.raises(ValueError, match=r'keep only data\.train_dataloader\.samples_per_gpu'):
        compat_cfg(cfg)


def test_compat_cfg_runner_from_total_epochs() -> None:
    with pytest.warns(UserWarning, match='total_epochs=24 is deprecated'):
        new = compat_cfg(dict(total_epochs=24))
    assert new['runner'] == dict(type='EpochBasedRunner', max_epochs=24)
    assert (
        compat_cfg(dict(total_epochs=12, runner=dict(max_epochs=12)))['runner']['max_epochs'] == 12
    )
    with pytest.raises(ValueError, match=r'total_epochs=3 disagrees with runner\.max_epochs=4'):
        compat_cfg(dict(total_epochs=3, runner=dict(type='EpochBasedRunner', max_epochs=4)))
