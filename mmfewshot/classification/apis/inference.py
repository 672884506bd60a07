"""Inference API: build a classifier, show it a support set, classify query images."""

from __future__ import annotations

import copy
import os
import os.path as osp
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch import nn

from mmfewshot.registry import MODELS
from mmfewshot.transforms import Compose
from mmfewshot.utils.compat import load_checkpoint

ImageType = str | np.ndarray
SUPPORT_IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp')
_LOADERS = ('LoadImageFromFile', 'LoadImageFromBytes')


def init_classifier(
    config: str | Config,
    checkpoint: str | None = None,
    device: str | torch.device = 'cuda:0',
    options: Mapping[str, Any] | None = None,
) -> nn.Module:
    """Builds a few-shot classifier from a config and optionally loads a checkpoint.

    Args:
        config: Config file path or loaded :class:`~mmengine.config.Config`.
        checkpoint: Checkpoint file; ``None`` keeps the initial weights.
        device: Device of the model, e.g. ``'cpu'`` or ``'cuda:0'``.
        options: Config overrides, as ``--cfg-options`` (``{'a.b': value}``).

    Returns:
        The classifier in eval mode, with its config as ``model.cfg``.
    """
    if isinstance(config, str):
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file {config!r} does not exist; check the path')
        config = Config.fromfile(config)
    elif not isinstance(config, Config):
        raise TypeError(f'config must be a file path or a Config, got {type(config).__name__}')
    else:
        config = copy.deepcopy(config)
    if options:
        config.merge_from_dict(dict(options))
    device = torch.device(device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise ValueError(f"device='{device}' but CUDA is not available; pass device='cpu'")
    if 'model' not in config:
        raise KeyError(f'config {config.filename!r} has no model; it is not a model config')
    with DefaultScope.overwrite_default_scope('mmfewshot'):
        model = MODELS.build(copy.deepcopy(config.model))
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.cfg = config
    model.to(device)
    model.eval()
    return model


def _test_pipeline(model: nn.Module) -> tuple[Compose, Compose]:
    """The test pipeline of ``model.cfg``: (from a file, from a loaded image)."""
    cfg = getattr(model, 'cfg', None)
    try:
        steps = list(cfg.data.test.dataset.pipeline)  # type: ignore[union-attr]
    except AttributeError as error:
        raise KeyError(
            'the model has no cfg.data.test.dataset.pipeline; build it with init_classifier '
            'from a config that has a meta-test data.test section'
        ) from error
    steps = [dict(step) for step in steps]
    if not steps or steps[0].get('type') not in _LOADERS:
        raise ValueError(
            'the first step of cfg.data.test.dataset.pipeline must load the image '
            f'({" or ".join(_LOADERS)}), got {steps[:1]}'
        )
    steps[0] = dict(steps[0], type='LoadImageFromFile')
    return Compose(steps), Compose(steps[1:])


def _prepare(pipelines: tuple[Compose, Compose], img: ImageType, label: int) -> dict[str, Any]:
    from_file, from_array = pipelines
    if isinstance(img, np.ndarray):
        array = mmcv.gray2bgr(img) if img.ndim == 2 else img
        results = dict(
            img=array, img_shape=array.shape, ori_shape=array.shape, filename=None,
            ori_filename=None, img_fields=['img'], gt_label=np.int64(label),
        )  # fmt: skip
        data = from_array(results)
    elif isinstance(img, str):
        if not osp.isfile(img):
            raise FileNotFoundError(f'image file {img!r} does not exist; check the path')
        data = from_file(
            dict(img_prefix=None, img_info=dict(filename=img), gt_label=np.int64(label))
        )
    else:
        raise TypeError(f'an image must be a file path or an array, got {type(img).__name__}')
    if data is None or 'img' not in data:
        raise ValueError('the test pipeline dropped the image; check cfg.data.test pipeline')
    return data


def _device(model: nn.Module) -> torch.device:
    indicator = getattr(model, 'device_indicator', None)
    if isinstance(indicator, torch.Tensor):
        return indicator.device
    return next(model.parameters()).device


def process_support_images(
    model: nn.Module, support_imgs: Sequence[ImageType], support_labels: Sequence[str]
) -> None:
    """Shows the model a support set: ``model`` then classifies among its classes.

    The classes are the distinct ``support_labels`` in sorted order (stored as
    ``model.CLASSES``). The model is prepared with the config's
    ``data.test.meta_test_cfg`` (``fast_test`` off): a metric method stores
    its support features, a fine-tune method fits its ``meta_test_head``,
    MAML adapts its weights.

    Args:
        model: A classifier from :func:`init_classifier`.
        support_imgs: Image file paths or BGR arrays (H, W, 3) (or grayscale (H, W)).
        support_labels: One class name per image.
    """
    if len(support_imgs) != len(support_labels):
        raise ValueError(
            f'got {len(support_imgs)} support images but {len(support_labels)} labels; '
            'give one label per image'
        )
    if not support_imgs:
        raise ValueError('process_support_images needs at least one support image')
    classifier: Any = model
    pipelines = _test_pipeline(model)
    classes = sorted({str(label) for label in support_labels})
    class_to_idx = {name: i for i, name in enumerate(classes)}
    imgs, labels = [], []
    for img, label in zip(support_imgs, support_labels, strict=True):
        data = _prepare(pipelines, img, class_to_idx[str(label)])
        imgs.append(data['img'])
        labels.append(class_to_idx[str(label)])
    device = _device(model)
    meta_test_cfg = dict(copy.deepcopy(classifier.cfg.data.test.get('meta_test_cfg', {})))
    meta_test_cfg['fast_test'] = False
    classifier.CLASSES = classes
    classifier.before_meta_test(meta_test_cfg)
    classifier.before_forward_support()
    classifier(
        img=torch.stack(imgs).to(device),
        gt_label=torch.tensor(labels, dtype=torch.long, device=device),
        mode='support',
    )
    classifier.before_forward_query()


def support_images_from_folder(
    folder: str, extensions: Sequence[str] = SUPPORT_IMAGE_EXTENSIONS
) -> tuple[list[str], list[str]]:
    """Lists the image files of a folder of support images, one per class, named by stem.

    ``Zhe.png`` becomes class ``Zhe``. The result feeds
    :func:`process_support_images` directly.

    Args:
        folder: The folder to list (not recursive).
        extensions: File endings counted as images (case-insensitive).

    Returns:
        The image paths, sorted by file name, and their stems as labels.
    """
    if not osp.isdir(folder):
        raise FileNotFoundError(f'support image folder {folder!r} does not exist; check the path')
    suffixes = tuple(ext.lower() for ext in extensions)
    files = sorted(
        f
        for f in os.listdir(folder)
        if f.lower().endswith(suffixes) and osp.isfile(osp.join(folder, f))
    )
    if not files:
        raise FileNotFoundError(
            f'no images ({", ".join(suffixes)}) in support image folder {folder!r}; '
            'put one image per class there, named <class><ext>'
        )
    return [osp.join(folder, f) for f in files], [osp.splitext(f)[0] for f in files]


def inference_classifier(model: nn.Module, query_img: ImageType) -> dict[str, float]:
    """Classifies one image among the classes of the last support set.

    Args:
        model: A classifier after :func:`process_support_images`.
        query_img: Image file path or BGR array (H, W, 3).

    Returns:
        Class name to score (the model's query output, e.g. probabilities).
    """
    classes = getattr(model, 'CLASSES', None)
    if not classes:
        raise RuntimeError('call process_support_images(model, imgs, labels) before inference')
    data = _prepare(_test_pipeline(model), query_img, -1)
    with torch.no_grad():
        scores = model(img=data['img'][None].to(_device(model)), mode='query')[0]
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    if scores.size != len(classes):
        raise RuntimeError(
            f'the model scored {scores.size} classes but the support set has {len(classes)}; '
            'give meta_test_head num_classes equal to the number of support classes'
        )
    return {name: float(score) for name, score in zip(classes, scores, strict=True)}


def show_result_pyplot(
    img: ImageType,
    result: Mapping[str, float],
    fig_size: tuple[float, float] = (15, 10),
    wait_time: float = 0,
    out_file: str | None = None,
) -> np.ndarray:
    """Draws an image beside its class scores, predicted class first.

    Args:
        img: Image file path or BGR array.
        result: Class name to score, e.g. from :func:`inference_classifier`.
        fig_size: Figure size in inches.
        wait_time: Seconds to show the window (0: until closed); ignored
            when ``out_file`` is given.
        out_file: Write the figure to this file (format from the extension)
            instead of showing it; written to a temporary file and renamed.

    Returns:
        The drawn figure as an RGB array (H, W, 3).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not result:
        raise ValueError('result is empty; pass the class scores of inference_classifier')
    image = mmcv.imread(img) if isinstance(img, str) else np.asarray(img)
    if image is None:
        raise FileNotFoundError(f'could not read image {img!r}')
    rgb = mmcv.bgr2rgb(image) if image.ndim == 3 else image
    ranked = sorted(result.items(), key=lambda item: item[1], reverse=True)
    best, score = ranked[0]
    fig = Figure(figsize=fig_size)
    canvas = FigureCanvasAgg(fig)
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(1, 1)))
    ax_img.imshow(rgb, cmap='gray' if rgb.ndim == 2 else None)
    ax_img.set_axis_off()
    ax_img.set_title(f'{best}: {score:.3f}')
    names = [name for name, _ in ranked][::-1]
    values = [value for _, value in ranked][::-1]
    ax_bar.barh(names, values, color=['tab:orange' if n == best else 'tab:blue' for n in names])
    ax_bar.set_xlabel('score')
    fig.tight_layout()
    canvas.draw()
    drawn = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    if out_file is not None:
        folder = osp.dirname(osp.abspath(out_file))
        os.makedirs(folder, exist_ok=True)
        suffix = osp.splitext(out_file)[1] or '.png'
        fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(out_file)}.', suffix=suffix, dir=folder)
        os.close(fd)
        try:
            fig.savefig(tmp)
            os.replace(tmp, out_file)
        finally:
            if osp.exists(tmp):
                os.remove(tmp)
    else:
        import matplotlib.pyplot as plt

        plt.figure(figsize=fig_size)
        plt.imshow(drawn)
        plt.axis('off')
        plt.show(block=wait_time == 0)
        if wait_time:
            plt.pause(wait_time)
            plt.close()
    return drawn


__all__ = [
    'SUPPORT_IMAGE_EXTENSIONS',
    'inference_classifier',
    'init_classifier',
    'process_support_images',
    'show_result_pyplot',
    'support_images_from_folder',
]
