"""Classify an image among a few support images with a metric-based classifier (e.g. ProtoNet).

Each image in the support folder is one class, named by its file stem
(``Zhe.png`` is class ``Zhe``). Example, after training the Glyphs ProtoNet::

    python demo/demo_metric_classifier_1shot_inference.py \
        demo/demo_classification_images/query_images/Zhe.png \
        configs/classification/proto_net/glyphs/proto-net_conv4_1xb105_glyphs_5way-1shot.py \
        work_dirs/proto-net_conv4_1xb105_glyphs_5way-1shot/best_accuracy_mean.pth \
        --device cpu --out-file result.png
"""

from __future__ import annotations

import argparse
import json
import os.path as osp

from mmfewshot.classification.apis import (
    inference_classifier,
    init_classifier,
    process_support_images,
    show_result_pyplot,
    support_images_from_folder,
)

DEMO_IMAGES = osp.join(osp.dirname(osp.abspath(__file__)), 'demo_classification_images')
DEFAULT_SUPPORT_DIR = osp.join(DEMO_IMAGES, 'support_images')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', help='query image file')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--device', default='cuda:0', help="device, e.g. 'cpu' or 'cuda:0'")
    parser.add_argument(
        '--support-images-dir', default=DEFAULT_SUPPORT_DIR,
        help='folder of support images, one per class, named <class>.<ext>',
    )  # fmt: skip
    parser.add_argument('--out-file', help='write the visualisation here instead of showing it')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    model = init_classifier(args.config, args.checkpoint, device=args.device)
    files, labels = support_images_from_folder(args.support_images_dir)
    process_support_images(model, files, labels)
    result = inference_classifier(model, args.image)
    print(json.dumps(dict(prediction=max(result, key=result.get), scores=result), indent=2))
    show_result_pyplot(args.image, result, out_file=args.out_file)
    return result


if __name__ == '__main__':
    main()
