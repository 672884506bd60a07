"""Unpacks tiered-ImageNet's image pickles into one file per image.

``{dir}/{subset}_images_png.pkl`` (a list of encoded PNG images) becomes
``{dir}/{subset}/{subset}_image_{i}.byte`` with the bytes of image ``i``
unchanged. ``TieredImageNetDataset`` then reads images from those files
instead of holding the whole pickle in memory.

Nothing half-written is ever visible: each file is written to a temporary
name and renamed, and the files are collected in ``{dir}/.{subset}.partial``,
which is renamed to ``{dir}/{subset}`` only once every image is there. An
interrupted run resumes where it stopped.

Usage::

    python tools/data/classification/tiered-imagenet/unzip_tiered_imagenet.py \
        --dir data/tiered_imagenet [--subsets train val test] [--overwrite]
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import shutil
import sys
from collections.abc import Sequence

from mmengine.utils import ProgressBar

from mmfewshot.classification.datasets.tiered_imagenet import as_bytes, load_pickle

SUBSETS = ('train', 'val', 'test')


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write each image of {subset}_images_png.pkl to '
        '{dir}/{subset}/{subset}_image_{i}.byte'
    )
    parser.add_argument(
        '--dir',
        default='data/tiered_imagenet',
        help='folder holding the tiered-ImageNet pickles (default: data/tiered_imagenet)',
    )
    parser.add_argument(
        '--subsets',
        nargs='+',
        choices=SUBSETS,
        default=None,
        help='subsets to unpack (default: every subset whose image pickle exists)',
    )
    parser.add_argument(
        '--overwrite', action='store_true', help='unpack again even if {dir}/{subset} exists'
    )
    parser.add_argument('--no-progress', action='store_true', help='do not show a progress bar')
    return parser.parse_args(argv)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = osp.join(osp.dirname(path), f'.{osp.basename(path)}.tmp-{os.getpid()}')
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def _check_label_count(data_dir: str, subset: str, num_images: int) -> None:
    label_path = osp.join(data_dir, f'{subset}_labels.pkl')
    if not osp.isfile(label_path):
        return
    labels = load_pickle(label_path)
    if isinstance(labels, dict) and 'label_specific' in labels:
        num_labels = len(labels['label_specific'])
        if num_labels != num_images:
            raise ValueError(
                f'{subset}_images_png.pkl holds {num_images} images but {label_path!r} has '
                f'{num_labels} labels; both pickles must come from the same subset'
            )


def unzip_subset(data_dir: str, subset: str, overwrite: bool = False, progress: bool = True) -> int:
    """Unpacks one subset; returns the number of images in it (0 if skipped)."""
    pkl_path = osp.join(data_dir, f'{subset}_images_png.pkl')
    if not osp.isfile(pkl_path):
        raise FileNotFoundError(
            f'{pkl_path!r} does not exist; put the tiered-ImageNet pickles in --dir '
            '(see tools/data/classification/tiered-imagenet/README.md)'
        )
    final_dir = osp.join(data_dir, subset)
    if osp.exists(final_dir) and not overwrite:
        print(f'{final_dir} exists, skipping {subset} (pass --overwrite to unpack it again)')
        return 0
    images = load_pickle(pkl_path)
    if not isinstance(images, list | tuple):
        raise TypeError(f'{pkl_path!r} holds a {type(images).__name__}, not a list of images')
    _check_label_count(data_dir, subset, len(images))
    staging = osp.join(data_dir, f'.{subset}.partial')
    os.makedirs(staging, exist_ok=True)
    print(f'unpacking {len(images)} {subset} images into {final_dir}')
    bar = ProgressBar(len(images)) if progress and images else None
    for i, image in enumerate(images):
        data = as_bytes(image, pkl_path, i)
        target = osp.join(staging, f'{subset}_image_{i}.byte')
        # Files of an interrupted run are complete (renamed into place); keep them.
        if not (osp.isfile(target) and osp.getsize(target) == len(data)):
            _write_atomic(target, data)
        if bar is not None:
            bar.update()
    if bar is not None:
        print()
    old_dir = None
    if osp.exists(final_dir):
        old_dir = osp.join(data_dir, f'.{subset}.old-{os.getpid()}')
        os.replace(final_dir, old_dir)
    os.replace(staging, final_dir)
    if old_dir is not None:
        shutil.rmtree(old_dir, ignore_errors=True)
    return len(images)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not osp.isdir(args.dir):
        print(f'error: --dir {args.dir!r} is not a folder; point it at the tiered-ImageNet pickles')
        return 1
    subsets = args.subsets or [
        s for s in SUBSETS if osp.isfile(osp.join(args.dir, f'{s}_images_png.pkl'))
    ]
    if not subsets:
        print(f'error: no *_images_png.pkl in {args.dir!r}; nothing to unpack')
        return 1
    for subset in subsets:
        unzip_subset(args.dir, subset, overwrite=args.overwrite, progress=not args.no_progress)
    return 0


if __name__ == '__main__':
    sys.exit(main())
