"""Resize with both the mmcls 0.x (``size=...``) and mmdet 2.x (``img_scale=...``) arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mmcv
import numpy as np

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms.utils import clip_bboxes, image_fields

_ADAPTIVE_SIDES = ('short', 'long', 'height', 'width')
_MULTISCALE_MODES = ('range', 'value')
Scale = tuple[float, float]


def _short_side_size(h: int, w: int, side: int, adaptive_side: str) -> tuple[int, int] | None:
    """Target ``(h, w)`` when one side is fixed to ``side`` and the ratio kept; ``None`` = as is."""
    if adaptive_side == 'short':
        fix_width = w < h
    elif adaptive_side == 'long':
        fix_width = w > h
    else:
        fix_width = adaptive_side == 'width'
    if fix_width:
        return None if w == side else (int(side * h / w), side)
    return None if h == side else (side, int(side * w / h))


@TRANSFORMS.register_module()
class Resize:
    """Resizes images and boxes; mmcls 0.x or mmdet 2.x behaviour depending on the arguments.

    **mmcls style** (``size`` given): ``size=int`` resizes to ``(size, size)``;
    ``size=(h, w)`` resizes to that shape; ``size=(s, -1)`` keeps the aspect ratio and
    sets the ``adaptive_side`` (the short side by default) to ``s``, truncating the
    other side to an int (an image whose side already equals ``s`` is left as is).
    Sets ``img_shape``.

    **mmdet style** (``img_scale`` given, or neither: the scale then comes from
    ``results['scale']`` / ``results['scale_factor']``, e.g. set by
    ``MultiScaleFlipAug``): one scale of ``img_scale`` is chosen (``ratio_range``
    multiplies the single scale by a random ratio; ``multiscale_mode='range'`` draws
    long and short edges between the given scales; ``'value'`` picks one scale). With
    ``keep_ratio`` the image is rescaled to fit the (long, short) edges, otherwise
    resized to exactly ``(w, h)``. Sets ``scale``, ``scale_idx``, ``img_shape``,
    ``pad_shape``, ``scale_factor`` (float32 ``[w_scale, h_scale, w_scale, h_scale]``)
    and ``keep_ratio``.

    In both styles every key of ``results['bbox_fields']`` is scaled and, with
    ``bbox_clip_border``, clipped to the new image. Random choices use NumPy's
    global RNG as mmcv/mmdet did, so worker seeding and
    :func:`mmfewshot.utils.local_numpy_seed` control them.

    Args:
        size: mmcls target size: int, ``(h, w)`` or ``(s, -1)``.
        img_scale: mmdet scale(s) ``(long, short)`` or ``(w, h)``: a tuple or a list of tuples.
        multiscale_mode: ``'range'`` or ``'value'`` for several ``img_scale`` entries.
        ratio_range: ``(min, max)`` ratio applied to the single ``img_scale``.
        keep_ratio: mmdet style: keep the aspect ratio.
        bbox_clip_border: Clip boxes to the resized image.
        backend: ``'cv2'`` or ``'pillow'``.
        interpolation: mmcv interpolation name (``'bilinear'``, ``'nearest'``, ...).
        override: mmdet style: recompute ``scale`` even if ``results`` already has one.
        adaptive_side: mmcls style with ``size=(s, -1)``: ``'short'``, ``'long'``,
            ``'height'`` or ``'width'``.
    """

    def __init__(
        self,
        size: int | Sequence[int] | None = None,
        img_scale: Scale | Sequence[Scale] | None = None,
        multiscale_mode: str = 'range',
        ratio_range: Sequence[float] | None = None,
        keep_ratio: bool = True,
        bbox_clip_border: bool = True,
        backend: str = 'cv2',
        interpolation: str = 'bilinear',
        override: bool = False,
        adaptive_side: str = 'short',
    ) -> None:
        if backend not in ('cv2', 'pillow'):
            raise ValueError(f"Resize backend={backend!r} is unknown; use 'cv2' or 'pillow'")
        self.backend = backend
        self.interpolation = interpolation
        self.bbox_clip_border = bbox_clip_border
        self.keep_ratio = keep_ratio
        self.override = override
        self.multiscale_mode = multiscale_mode
        self.ratio_range = tuple(ratio_range) if ratio_range is not None else None
        self.adaptive_side = adaptive_side
        self.size: tuple[int, int] | None = None
        self.img_scale: list[Scale] | None = None
        if size is not None:
            if img_scale is not None or ratio_range is not None:
                raise ValueError(
                    'Resize got both size (mmcls style) and img_scale/ratio_range (mmdet style); '
                    'give only one of the two styles'
                )
            self.size = self._check_size(size)
            if adaptive_side not in _ADAPTIVE_SIDES:
                raise ValueError(
                    f'Resize adaptive_side={adaptive_side!r} is unknown; use one of '
                    f'{_ADAPTIVE_SIDES}'
                )
            return
        if img_scale is not None:
            scales: list[Any] = list(img_scale) if isinstance(img_scale, list) else [img_scale]
            for scale in scales:
                if not isinstance(scale, (tuple, list)) or len(scale) != 2:
                    raise ValueError(
                        f'Resize img_scale entry {scale!r} is not a (long, short) pair; give a '
                        'tuple such as (1333, 800) or a list of such tuples'
                    )
            self.img_scale = [(s[0], s[1]) for s in scales]
        if self.ratio_range is not None:
            if self.img_scale is not None and len(self.img_scale) != 1:
                raise ValueError(
                    f'Resize ratio_range needs exactly one img_scale, got {len(self.img_scale)}; '
                    'drop ratio_range or give a single scale'
                )
            if len(self.ratio_range) != 2 or not 0 < self.ratio_range[0] <= self.ratio_range[1]:
                raise ValueError(
                    f'Resize ratio_range={ratio_range!r} must be (min, max) with 0 < min <= max'
                )
        elif multiscale_mode not in _MULTISCALE_MODES:
            raise ValueError(
                f"Resize multiscale_mode={multiscale_mode!r} is unknown; use 'range' or 'value'"
            )

    @staticmethod
    def _check_size(size: int | Sequence[int]) -> tuple[int, int]:
        if isinstance(size, int) and not isinstance(size, bool):
            if size <= 0:
                raise ValueError(f'Resize size={size} must be a positive int')
            return (size, size)
        if (
            isinstance(size, (tuple, list))
            and len(size) == 2
            and all(isinstance(s, int) for s in size)
            and size[0] > 0
            and (size[1] > 0 or size[1] == -1)
        ):
            return (int(size[0]), int(size[1]))
        raise ValueError(
            f'Resize size={size!r} is invalid; give an int, (h, w) with positive ints, or (s, -1) '
            'to keep the aspect ratio'
        )

    @property
    def mmcls_style(self) -> bool:
        """Whether this transform follows mmcls 0.x (``size``) semantics."""
        return self.size is not None

    # --------------------------------------------------------------- scale choice
    def _random_scale(self, results: dict[str, Any]) -> None:
        if self.img_scale is None:
            raise KeyError(
                "Resize has no img_scale and results has no 'scale' or 'scale_factor'; give "
                'img_scale=(long, short) or wrap it in MultiScaleFlipAug(img_scale=...)'
            )
        scale_idx: int | None = None
        if self.ratio_range is not None:
            ratio = np.random.random_sample() * (self.ratio_range[1] - self.ratio_range[0])
            ratio += self.ratio_range[0]
            base = self.img_scale[0]
            scale: Scale = (int(base[0] * ratio), int(base[1] * ratio))
        elif len(self.img_scale) == 1:
            scale, scale_idx = self.img_scale[0], 0
        elif self.multiscale_mode == 'range':
            longs = [max(s) for s in self.img_scale]
            shorts = [min(s) for s in self.img_scale]
            long_edge = np.random.randint(int(min(longs)), int(max(longs)) + 1)
            short_edge = np.random.randint(int(min(shorts)), int(max(shorts)) + 1)
            scale = (int(long_edge), int(short_edge))
        else:
            scale_idx = int(np.random.randint(len(self.img_scale)))
            scale = self.img_scale[scale_idx]
        results['scale'] = scale
        results['scale_idx'] = scale_idx

    def _set_scale(self, results: dict[str, Any]) -> None:
        if 'scale' in results and not self.override:
            if 'scale_factor' in results:
                raise ValueError(
                    "Resize got results with both 'scale' and 'scale_factor'; set only one, or "
                    'use override=True to recompute the scale'
                )
            return
        if 'scale' in results:  # override
            results.pop('scale')
            results.pop('scale_factor', None)
            self._random_scale(results)
            return
        if 'scale_factor' in results:
            factor = results['scale_factor']
            if not isinstance(factor, (int, float)):
                raise ValueError(
                    f"Resize needs results['scale_factor'] as one number to derive the scale, "
                    f'got {factor!r}; pass scale_factor=float to MultiScaleFlipAug'
                )
            h, w = results['img'].shape[:2]
            results['scale'] = (int(w * factor), int(h * factor))
            return
        self._random_scale(results)

    # --------------------------------------------------------------- resizing
    def _resize_img(self, results: dict[str, Any]) -> None:
        """Resizes every image field to ``results['scale']`` (mmdet style)."""
        scale = results['scale']
        for key in image_fields(results):
            img = results[key]
            h, w = img.shape[:2]
            if self.keep_ratio:
                img = mmcv.imrescale(
                    img, scale, interpolation=self.interpolation, backend=self.backend
                )
            else:
                target = (round(scale[0]), round(scale[1]))
                img = mmcv.imresize(
                    img, target, interpolation=self.interpolation, backend=self.backend
                )
            new_h, new_w = img.shape[:2]
            results[key] = img
            w_scale, h_scale = new_w / w, new_h / h
            results['scale_factor'] = np.array(
                [w_scale, h_scale, w_scale, h_scale], dtype=np.float32
            )
            results['img_shape'] = img.shape
            results['pad_shape'] = img.shape  # updated by Pad
            results['keep_ratio'] = self.keep_ratio

    def _resize_bboxes(self, results: dict[str, Any], factor: np.ndarray | None = None) -> None:
        """Scales every box field by ``factor`` (default ``results['scale_factor']``)."""
        factor = results['scale_factor'] if factor is None else factor
        for key in results.get('bbox_fields', []):
            bboxes = results[key] * factor
            if self.bbox_clip_border:
                bboxes = clip_bboxes(bboxes, results['img_shape'])
            results[key] = bboxes

    def _resize_mmcls(self, results: dict[str, Any]) -> None:
        assert self.size is not None
        factor: np.ndarray | None = None
        for key in image_fields(results):
            img = results[key]
            h, w = img.shape[:2]
            if self.size[1] == -1:
                target = _short_side_size(h, w, self.size[0], self.adaptive_side)
            else:
                target = self.size
            if target is not None:
                img = mmcv.imresize(
                    img,
                    (target[1], target[0]),
                    interpolation=self.interpolation,
                    backend=self.backend,
                )
                results[key] = img
            new_h, new_w = img.shape[:2]
            factor = np.array([new_w / w, new_h / h] * 2, dtype=np.float32)
            results['img_shape'] = img.shape
        if factor is not None:
            self._resize_bboxes(results, factor)

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Resizes the images and boxes of one sample (see the class docstring)."""
        if self.mmcls_style:
            self._resize_mmcls(results)
            return results
        self._set_scale(results)
        self._resize_img(results)
        self._resize_bboxes(results)
        return results

    def __repr__(self) -> str:
        name = self.__class__.__name__
        if self.mmcls_style:
            return (
                f'{name}(size={self.size}, interpolation={self.interpolation}, '
                f'backend={self.backend}, adaptive_side={self.adaptive_side})'
            )
        return (
            f'{name}(img_scale={self.img_scale}, multiscale_mode={self.multiscale_mode}, '
            f'ratio_range={self.ratio_range}, keep_ratio={self.keep_ratio}, '
            f'bbox_clip_border={self.bbox_clip_border})'
        )
