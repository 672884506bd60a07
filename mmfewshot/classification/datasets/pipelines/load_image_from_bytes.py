"""LoadImageFromBytes: decodes in-memory image bytes (tiered-ImageNet pickles)."""

from __future__ import annotations

from typing import Any

from mmfewshot.registry import TRANSFORMS
from mmfewshot.transforms import LoadImageFromFile
from mmfewshot.transforms.utils import decode_image, read_bytes


@TRANSFORMS.register_module()
class LoadImageFromBytes(LoadImageFromFile):
    """Decodes ``results['img_bytes']`` when present, else reads the file like its parent.

    The bytes are popped from ``results`` so that they do not travel further down
    the pipeline. ``filename`` and ``ori_filename`` are still derived from
    ``img_prefix`` and ``img_info['filename']`` (used as keys by the meta-test
    feature cache). Arguments are those of :class:`~mmfewshot.transforms.LoadImageFromFile`.
    """

    def __call__(self, results: dict[str, Any]) -> dict[str, Any]:
        """Loads the image of one sample from its bytes or its file."""
        filename, ori_filename = self._filename(results)
        content = results.pop('img_bytes', None)
        if content is None:
            content = read_bytes(filename, self._backend_args)
        img = decode_image(content, filename, self.color_type, self.channel_order)
        return self._set_image(results, img, filename, ori_filename)
