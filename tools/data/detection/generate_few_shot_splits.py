"""Write K-shot split files (TFA layout) for a VOC- or COCO-format dataset.

Examples:
    # PASCAL VOC 07+12 trainval, shots 1 2 3 5 10, seeds 0..9
    python tools/data/detection/generate_few_shot_splits.py voc \
        --img-prefix data/VOCdevkit \
        --ann-files VOC2007/ImageSets/Main/trainval.txt VOC2012/ImageSets/Main/trainval.txt \
        --out-dir data/few_shot_ann/voc --seeds 0 1 2 3 4 5 6 7 8 9

    # COCO (TFA's trainvalno5k), shots 10 30
    python tools/data/detection/generate_few_shot_splits.py coco \
        --ann-file data/few_shot_ann/coco/annotations/train.json \
        --out-dir data/few_shot_ann/coco

Seed 0 writes ``{out-dir}/benchmark_{K}shot/``, seed s > 0 ``{out-dir}/seed{s}/benchmark_{K}shot/``.
See tools/data/detection/README.md.
"""

from __future__ import annotations

import argparse
import sys

from mmfewshot.detection.datasets.few_shot_splits import (
    generate_coco_few_shot_splits,
    generate_voc_few_shot_splits,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='format', required=True)
    voc = sub.add_parser('voc', help='VOC-format dataset (XML annotations + image lists)')
    voc.add_argument(
        '--img-prefix',
        default='data/VOCdevkit',
        help='folder holding the subset folders (VOC2007/, VOC2012/, ...)',
    )
    voc.add_argument(
        '--ann-files',
        nargs='+',
        default=['VOC2007/ImageSets/Main/trainval.txt', 'VOC2012/ImageSets/Main/trainval.txt'],
        help='image lists to draw from (relative to --img-prefix or absolute)',
    )
    voc.add_argument('--out-dir', default='data/few_shot_ann/voc')
    voc.add_argument('--shots', type=int, nargs='+', default=[1, 2, 3, 5, 10])
    coco = sub.add_parser('coco', help='COCO-format dataset (one JSON file)')
    coco.add_argument('--ann-file', default='data/few_shot_ann/coco/annotations/train.json')
    coco.add_argument('--out-dir', default='data/few_shot_ann/coco')
    coco.add_argument('--shots', type=int, nargs='+', default=[10, 30])
    for p in (voc, coco):
        p.add_argument(
            '--seeds',
            type=int,
            nargs='+',
            default=[0],
            help='seed 0 -> benchmark_{K}shot/, seed s -> seed{s}/benchmark_{K}shot/',
        )
        p.add_argument(
            '--classes', nargs='+', default=None, help='classes to write files for (default: all)'
        )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.format == 'voc':
            written = generate_voc_few_shot_splits(
                args.img_prefix,
                args.ann_files,
                args.out_dir,
                args.classes,
                args.shots,
                args.seeds,
                show_progress=True,
            )
        else:
            written = generate_coco_few_shot_splits(
                args.ann_file,
                args.out_dir,
                args.classes,
                args.shots,
                args.seeds,
                show_progress=True,
            )
    except (FileNotFoundError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(f'\nwrote {len(written)} split files under {args.out_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
