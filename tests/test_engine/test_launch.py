import os

import pytest

from mmfewshot.engine.launch import parse_train_args, train_arg_parser


def test_train_parser_reads_the_0x_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    parser = train_arg_parser('Train', 'validate', with_device=True)
    args = parse_train_args(
        parser,
        ['cfg.py', '--work-dir', 'wd', '--no-validate', '--device', 'cpu', '--seed', '3',
         '--cfg-options', 'optimizer.lr=0.5', 'workflow=[(train,1),(val,1)]',
         '--launcher', 'pytorch', '--local_rank', '1'],
    )  # fmt: skip
    assert (args.config, args.work_dir, args.no_validate, args.device) == (
        'cfg.py',
        'wd',
        True,
        'cpu',
    )
    assert args.seed == 3
    assert args.cfg_options == {'optimizer.lr': 0.5, 'workflow': [('train', 1), ('val', 1)]}
    assert args.launcher == 'pytorch'
    assert os.environ['LOCAL_RANK'] == '1'


def test_train_parser_without_device_and_with_conflicting_options() -> None:
    parser = train_arg_parser('Train', 'validate', with_device=False)
    with pytest.raises(SystemExit):
        parse_train_args(parser, ['cfg.py', '--device', 'cpu'])
    with pytest.raises(SystemExit):
        parse_train_args(parser, ['cfg.py', '--options', 'a=1', '--cfg-options', 'b=2'])
    with pytest.raises(SystemExit):  # the device group is mutually exclusive
        parse_train_args(
            train_arg_parser('Train', 'validate', with_device=True),
            ['cfg.py', '--device', 'cpu', '--gpu-id', '1'],
        )
