"""Lays out mini-ImageNet from an ILSVRC-2012 training set, without copying by default.

For each of the 100 mini-ImageNet classes, ``{imagenet_train}/{wnid}`` (the
raw ImageNet class folder, e.g. ``n01532829/n01532829_10045.JPEG``) is linked
as ``{out}/images/{wnid}``. With ``--copy`` the folder is copied instead, into
a temporary name first and renamed when complete. The split files
``train.csv``, ``val.csv`` and ``test.csv`` (Ravi & Larochelle) must be put
in ``{out}`` by hand; see ``README.md`` beside this script.

Usage::

    python tools/data/classification/mini-imagenet/link_imagenet.py \
        --imagenet-train /datasets/ILSVRC2012/train --out data/mini_imagenet [--copy]
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import shutil
import sys
from collections.abc import Sequence

from mmfewshot.classification.datasets import MiniImageNetDataset


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Link (or copy) the 100 mini-ImageNet class folders of ILSVRC-2012 train'
    )
    parser.add_argument(
        '--imagenet-train', required=True, help='ILSVRC-2012 train folder with wnid subfolders'
    )
    parser.add_argument(
        '--out', default='data/mini_imagenet', help='output folder (default: data/mini_imagenet)'
    )
    parser.add_argument('--copy', action='store_true', help='copy the folders instead of linking')
    return parser.parse_args(argv)


def all_wnids() -> list[str]:
    return [
        *MiniImageNetDataset.TRAIN_CLASSES,
        *MiniImageNetDataset.VAL_CLASSES,
        *MiniImageNetDataset.TEST_CLASSES,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    source = osp.abspath(args.imagenet_train)
    missing = [w for w in all_wnids() if not osp.isdir(osp.join(source, w))]
    if missing:
        print(
            f'error: {len(missing)} of the 100 class folders are missing in {source!r} '
            f'(e.g. {missing[0]}); point --imagenet-train at the ILSVRC-2012 train folder'
        )
        return 1
    images = osp.join(args.out, 'images')
    os.makedirs(images, exist_ok=True)
    done = 0
    for wnid in all_wnids():
        target = osp.join(images, wnid)
        if osp.lexists(target):
            continue
        if args.copy:
            staging = osp.join(images, f'.{wnid}.partial')
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(osp.join(source, wnid), staging)
            os.replace(staging, target)
        else:
            os.symlink(osp.join(source, wnid), target, target_is_directory=True)
        done += 1
    print(f'{"copied" if args.copy else "linked"} {done} class folders into {images}')
    absent = [
        f'{s}.csv'
        for s in ('train', 'val', 'test')
        if not osp.isfile(osp.join(args.out, f'{s}.csv'))
    ]
    if absent:
        print(
            f'now put {", ".join(absent)} (Ravi & Larochelle split) into {args.out}; see '
            'tools/data/classification/mini-imagenet/README.md'
        )
    return 0


if __name__ == '__main__':
    sys.exit(main())
