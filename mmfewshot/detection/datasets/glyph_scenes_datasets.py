"""The VOC and COCO dataset classes bound to the GlyphScenes class splits.

GlyphScenes (see :mod:`mmfewshot.detection.datasets.glyph_scenes`) is written
in the real VOC and COCO formats, so the real few-shot datasets read it; these
six thin subclasses only swap the predefined split table (``SPLIT``) for
:data:`GLYPH_SCENES_SPLIT` and point the default split files at the
generated root, so that configs can say ``classes='ALL_CLASSES_SPLIT1'``,
``num_novel_shots=...``, ``class_splits=['BASE_CLASSES_SPLIT1', ...]`` and
``ann_cfg=[dict(method='TFA', setting='SPLIT1_1SHOT')]`` exactly as for VOC.
They are kept in one module because they are parallel one-attribute
variants of six classes.

The COCO-format default datasets take the VOC-style settings
``SPLIT{1,2,3}_{1,2,3,5,10}SHOT`` (one ``full_box_{K}shot_{class}_trainval.json``
per class), since GlyphScenes has VOC's three splits rather than COCO's one.
"""

from __future__ import annotations

from mmfewshot.registry import DATASETS

from .coco import FewShotCocoDataset
from .copy import FewShotCocoCopyDataset, FewShotVOCCopyDataset
from .default import METHODS, VOC_SHOTS, FewShotCocoDefaultDataset, FewShotVOCDefaultDataset
from .glyph_scenes import DEFAULT_GLYPH_SCENES_ROOT, GLYPH_SCENES_SPLIT
from .voc import FewShotVOCDataset


@DATASETS.register_module()
class GlyphScenesVOCDataset(FewShotVOCDataset):
    """:class:`FewShotVOCDataset` with the GlyphScenes split names."""

    SPLIT = GLYPH_SCENES_SPLIT
    COPY_DATASET_TYPE = 'GlyphScenesVOCCopyDataset'


@DATASETS.register_module()
class GlyphScenesVOCCopyDataset(FewShotVOCCopyDataset):
    """:class:`FewShotVOCCopyDataset` with the GlyphScenes split names."""

    SPLIT = GLYPH_SCENES_SPLIT
    COPY_DATASET_TYPE = 'GlyphScenesVOCCopyDataset'


@DATASETS.register_module()
class GlyphScenesVOCDefaultDataset(FewShotVOCDefaultDataset):
    """:class:`FewShotVOCDefaultDataset` reading ``data/glyph_scenes/few_shot_ann/voc``."""

    SPLIT = GLYPH_SCENES_SPLIT
    ANN_DIR = f'{DEFAULT_GLYPH_SCENES_ROOT}/few_shot_ann/voc'
    COPY_DATASET_TYPE = 'GlyphScenesVOCCopyDataset'


@DATASETS.register_module()
class GlyphScenesCocoDataset(FewShotCocoDataset):
    """:class:`FewShotCocoDataset` with the GlyphScenes split names."""

    SPLIT = GLYPH_SCENES_SPLIT
    COPY_DATASET_TYPE = 'GlyphScenesCocoCopyDataset'


@DATASETS.register_module()
class GlyphScenesCocoCopyDataset(FewShotCocoCopyDataset):
    """:class:`FewShotCocoCopyDataset` with the GlyphScenes split names."""

    SPLIT = GLYPH_SCENES_SPLIT
    COPY_DATASET_TYPE = 'GlyphScenesCocoCopyDataset'


@DATASETS.register_module()
class GlyphScenesCocoDefaultDataset(FewShotCocoDefaultDataset):
    """:class:`FewShotCocoDefaultDataset` with settings ``SPLIT{n}_{K}SHOT``.

    Reads ``data/glyph_scenes/few_shot_ann/coco/benchmark_{K}shot/
    full_box_{K}shot_{class}_trainval.json`` for the classes of ``ALL_CLASSES_SPLIT{n}``.
    """

    SPLIT = GLYPH_SCENES_SPLIT
    ANN_DIR = f'{DEFAULT_GLYPH_SCENES_ROOT}/few_shot_ann/coco'
    COPY_DATASET_TYPE = 'GlyphScenesCocoCopyDataset'

    @classmethod
    def default_ann_config(cls) -> dict[str, dict[str, tuple]]:
        """Method -> ``SPLIT{n}_{K}SHOT`` -> ``((path under ANN_DIR, class), ...)``."""
        settings = {}
        for name, classes in cls.SPLIT.items():
            if not name.startswith('ALL_CLASSES_SPLIT'):
                continue
            n = name[len('ALL_CLASSES_SPLIT') :]
            for shot in VOC_SHOTS:
                settings[f'SPLIT{n}_{shot}SHOT'] = tuple(
                    (f'benchmark_{shot}shot/full_box_{shot}shot_{c}_trainval.json', c)
                    for c in classes
                )
        return {method: dict(settings) for method in METHODS}


__all__ = [
    'GlyphScenesCocoCopyDataset',
    'GlyphScenesCocoDataset',
    'GlyphScenesCocoDefaultDataset',
    'GlyphScenesVOCCopyDataset',
    'GlyphScenesVOCDataset',
    'GlyphScenesVOCDefaultDataset',
]
