"""Writes the Glyphs few-shot classification benchmark (no download needed).

Characters from the DejaVu fonts bundled with matplotlib, one class per
character, in the mini-ImageNet layout (``images/`` + ``train.csv``,
``val.csv``, ``test.csv``). The same seed always writes the same bytes.

Example:
    python tools/data/classification/generate_glyphs.py --out data/glyphs
"""

from __future__ import annotations

import argparse
import sys
import time

from mmfewshot.classification.datasets.glyphs_generator import (
    DEFAULT_NUM_CLASSES,
    generate_glyphs,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Generate the Glyphs few-shot benchmark.')
    parser.add_argument(
        '--out',
        '--out-dir',
        dest='out',
        default='data/glyphs',
        help='output folder (must not exist unless --overwrite); default: data/glyphs',
    )
    parser.add_argument('--seed', type=int, default=0, help='seed of classes and images')
    parser.add_argument('--image-size', type=int, default=32, help='image side in pixels')
    parser.add_argument('--images-per-class', type=int, default=20, help='images per class')
    for split in ('train', 'val', 'test'):
        parser.add_argument(
            f'--{split}-classes',
            type=int,
            default=DEFAULT_NUM_CLASSES[split],
            help=f'number of {split} classes (default: {DEFAULT_NUM_CLASSES[split]})',
        )
    parser.add_argument('--overwrite', action='store_true', help='replace an existing folder')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        meta = generate_glyphs(
            args.out,
            seed=args.seed,
            image_size=args.image_size,
            images_per_class=args.images_per_class,
            num_classes={
                'train': args.train_classes,
                'val': args.val_classes,
                'test': args.test_classes,
            },
            overwrite=args.overwrite,
            show_progress=not args.no_progress,
        )
    except (FileExistsError, FileNotFoundError, ValueError, KeyError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    counts = ', '.join(
        f'{split}: {info["num_classes"]} classes / {info["num_images"]} images'
        for split, info in meta['splits'].items()
    )
    print(f'wrote {args.out} in {time.perf_counter() - start:.1f} s ({counts})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
