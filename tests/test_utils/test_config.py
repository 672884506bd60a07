import argparse
import re

import pytest
from mmengine.config import Config

from mmfewshot.utils.config import DictAction, merge_cfg_options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='train.py')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser


def test_dict_action_parses_like_mmengine() -> None:
    args = _parser().parse_args(
        [
            '--cfg-options',
            'optimizer.lr=0.01',
            'workflow=[(train,1),(val,1)]',
            'data.x=1,2',
            'model.flag=False',
            'load_from=None',
            'name=abc',
            'nested=(1,[2,3])',
        ]
    )
    assert args.cfg_options == {
        'optimizer.lr': 0.01,
        'workflow': [('train', 1), ('val', 1)],
        'data.x': [1, 2],
        'model.flag': False,
        'load_from': None,
        'name': 'abc',
        'nested': (1, [2, 3]),
    }


@pytest.mark.parametrize(
    ('item', 'reason'),
    [
        ('foo', 'it has no "="'),
        ('=3', "the key '' is empty"),
        ('a..b=3', "the key 'a..b' is empty, has an empty part"),
        ('a=[1,2', r'unbalanced \[\] brackets'),
        ('a=(1,2', r'unbalanced \(\) brackets'),
        ('a=)1,2(', 'closed before they open'),
        ('a=([1)]', 'crossed'),
    ],
)
def test_dict_action_bad_items_exit_with_one_line_error(
    item: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        _parser().parse_args(['--cfg-options', 'ok=1', item])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f'train.py: error: argument --cfg-options: bad item {item!r}: ')
    assert 'write KEY=VALUE' in err
    assert re.search(reason, err)


def _cfg() -> Config:
    return Config(
        dict(
            data=dict(train=dict(pipeline=[dict(type='A'), dict(type='B', p=0.5)])),
            optimizer=dict(lr=0.1),
            model=dict(out_indices=(1, 2)),
        )
    )


def test_merge_cfg_options_applies_valid_options() -> None:
    cfg = merge_cfg_options(
        _cfg(),
        {'data.train.pipeline.1.p': 0.0, 'optimizer.lr': 0.01, 'data.new.key': 3},
    )
    assert cfg.data.train.pipeline == [dict(type='A'), dict(type='B', p=0.0)]
    assert cfg.optimizer.lr == 0.01
    assert cfg.data.new.key == 3
    assert merge_cfg_options(cfg, None) is cfg


@pytest.mark.parametrize(
    ('key', 'message'),
    [
        (
            'data.train.pipeline.3.type',
            r'index 3 is out of range for data\.train\.pipeline \(a list of length 2\)',
        ),
        ('data.train.pipeline.x.type', r"data\.train\.pipeline is a list, so 'x' must be an index"),
        ('optimizer.lr.x', r"optimizer\.lr is a float, not a dict or list, so it has no 'x'"),
        ('model.out_indices.0', r'model\.out_indices is a tuple'),
    ],
)
def test_merge_cfg_options_bad_paths(key: str, message: str) -> None:
    cfg = _cfg()
    with pytest.raises(ValueError, match=message):
        merge_cfg_options(cfg, {key: 1})
    assert cfg.to_dict() == _cfg().to_dict()  # nothing applied
