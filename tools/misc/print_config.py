"""Print the full config after ``_base_`` merging and ``--cfg-options``.

``python tools/misc/print_config.py CONFIG [--cfg-options a.b=1 ...]``
"""

from __future__ import annotations

import argparse

from mmfewshot.engine.launch import load_config
from mmfewshot.utils import DictAction


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. optimizer.lr=0.01 workflow="[(train,1),(val,1)]"',
    )  # fmt: skip
    parser.add_argument(
        '--options', nargs='+', action=DictAction, help='(deprecated) same as --cfg-options'
    )
    args = parser.parse_args(argv)
    if args.options and args.cfg_options:
        parser.error('--options and --cfg-options cannot both be given; use --cfg-options')
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options or args.options)
    print(f'Config:\n{cfg.pretty_text}')


if __name__ == '__main__':
    main()
