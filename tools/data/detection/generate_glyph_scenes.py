"""Writes the GlyphScenes few-shot detection benchmark (no download needed).

Scenes of glyphs from the DejaVu fonts bundled with matplotlib on textured
backgrounds, 20 classes with VOC's three base/novel splits, written in the VOC
layout (``VOCdevkit/VOC2007``, ``VOCdevkit/VOC2012``) and the COCO layout
(``annotations/{train,val}.json``), with the few-shot split files of TFA
(``few_shot_ann/{voc,coco}/benchmark_{K}shot/``). The same seed always writes
the same bytes.

Example:
    python tools/data/detection/generate_glyph_scenes.py --out data/glyph_scenes
"""

from __future__ import annotations

import argparse
import sys
import time

from mmfewshot.detection.datasets.glyph_scenes import (
    DEFAULT_GLYPH_SCENES_ROOT,
    generate_glyph_scenes,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Generate the GlyphScenes detection benchmark.')
    parser.add_argument(
        '--out',
        '--out-dir',
        dest='out',
        default=DEFAULT_GLYPH_SCENES_ROOT,
        help=f'output folder (must not exist unless --overwrite); default: '
        f'{DEFAULT_GLYPH_SCENES_ROOT}',
    )
    parser.add_argument('--seed', type=int, default=0, help='seed of every image (default: 0)')
    parser.add_argument(
        '--num-trainval-2007', type=int, default=1000, help='VOC2007 trainval images'
    )
    parser.add_argument('--num-test-2007', type=int, default=500, help='VOC2007 test images')
    parser.add_argument(
        '--num-trainval-2012', type=int, default=1000, help='VOC2012 trainval images (0: none)'
    )
    parser.add_argument(
        '--image-size', type=int, nargs=2, default=(160, 256), metavar=('MIN', 'MAX'),
        help='range of image width and height in pixels',
    )  # fmt: skip
    parser.add_argument(
        '--glyph-size', type=int, nargs=2, default=(32, 96), metavar=('MIN', 'MAX'),
        help='range of a glyph canvas side in pixels',
    )  # fmt: skip
    parser.add_argument('--max-instances', type=int, default=4, help='most glyphs per image')
    parser.add_argument(
        '--shots', type=int, nargs='+', default=(1, 2, 3, 5, 10), help='shots of the split files'
    )
    parser.add_argument(
        '--split-seeds', type=int, nargs='+', default=(0,), help='seeds of the split files'
    )
    parser.add_argument('--overwrite', action='store_true', help='replace an existing folder')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        generate_glyph_scenes(
            args.out,
            seed=args.seed,
            num_trainval_2007=args.num_trainval_2007,
            num_test_2007=args.num_test_2007,
            num_trainval_2012=args.num_trainval_2012,
            image_size=args.image_size,
            glyph_size=args.glyph_size,
            max_instances=args.max_instances,
            shots=args.shots,
            split_seeds=args.split_seeds,
            overwrite=args.overwrite,
            show_progress=not args.no_progress,
        )
    except (FileExistsError, FileNotFoundError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    total = args.num_trainval_2007 + args.num_test_2007 + args.num_trainval_2012
    print(f'wrote {total} images to {args.out} in {time.perf_counter() - start:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
