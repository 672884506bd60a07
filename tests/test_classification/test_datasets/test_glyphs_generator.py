from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import mmfewshot.classification.datasets.glyphs_generator as gen
from mmfewshot.classification.datasets.glyphs_generator import (
    DEFAULT_NUM_CLASSES,
    DEFAULT_SPLIT_SCRIPTS,
    GLYPHS_GENERATOR_VERSION,
    generate_glyphs,
    glyph_class_name,
    plan_glyph_classes,
)
from mmfewshot.utils.glyph_render import find_dejavu_fonts, font_codepoints, script_of

# Small scripts keep planning fast.
TINY_SCRIPTS = {'train': ('lisu',), 'val': ('armenian',), 'test': ('hebrew',)}
TINY_COUNTS = {'train': 6, 'val': 3, 'test': 4}
TINY: dict[str, Any] = dict(
    scripts=TINY_SCRIPTS,
    num_classes=TINY_COUNTS,
    images_per_class=3,
    image_size=16,
    show_progress=False,
)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()
    }


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.reader(f))


def test_glyph_class_name_is_folder_safe() -> None:
    assert glyph_class_name('latin', 0x41) == 'latin_U+0041'
    assert glyph_class_name('canadian_syllabics', 0x1401) == 'canadian_syllabics_U+1401'


def test_generate_writes_the_mini_imagenet_layout(tmp_path: Path) -> None:
    out = tmp_path / 'glyphs'
    meta = generate_glyphs(out, seed=3, **TINY)
    assert sorted(p.name for p in out.iterdir()) == [
        'images',
        'meta.json',
        'test.csv',
        'train.csv',
        'val.csv',
    ]
    fonts = find_dejavu_fonts()
    for split, count in TINY_COUNTS.items():
        rows = _read_csv(out / f'{split}.csv')
        assert rows[0] == ['filename', 'label']
        labels = [label for _, label in rows[1:]]
        assert len(set(labels)) == count
        assert len(rows) - 1 == count * 3
        for filename, label in rows[1:]:
            folder, name = filename.split('/')
            assert folder == label
            assert name.startswith(label)
            assert name.endswith('.png')
            script, code = label.split('_U+')
            assert script in TINY_SCRIPTS[split]
            cp = int(code, 16)
            assert script_of(cp) == script
            assert sum(cp in font_codepoints(p) for p in fonts.values()) >= 2  # min_faces
            img = cv2.imread(str(out / 'images' / filename), cv2.IMREAD_UNCHANGED)
            assert img.shape == (16, 16)  # grayscale
            assert img.dtype == np.uint8
            assert img[0, 0] == 255  # white background
            assert img.min() < 100  # dark ink
    on_disk = sorted(p.name for p in (out / 'images').iterdir())
    assert len(on_disk) == sum(TINY_COUNTS.values())
    assert json.loads((out / 'meta.json').read_text()) == meta
    assert meta['seed'] == 3
    assert meta['version'] == GLYPHS_GENERATOR_VERSION
    assert meta['splits']['train'] == {'scripts': ['lisu'], 'num_classes': 6, 'num_images': 18}
    assert meta['splits']['test']['num_images'] == 12


def test_generate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = _tree(Path(generate_glyphs(tmp_path / 'a', seed=1, **TINY) and tmp_path / 'a'))
    generate_glyphs(tmp_path / 'b', seed=1, **TINY)
    generate_glyphs(tmp_path / 'c', seed=2, **TINY)
    second, other = _tree(tmp_path / 'b'), _tree(tmp_path / 'c')
    assert first == second
    assert len(first) == 4 + 13 * 3
    pngs = [k for k in first if k.endswith('.png')]
    differing = [k for k in pngs if other.get(k) != first[k]]
    assert differing  # another seed draws other classes or other images
    assert first['meta.json'] != other['meta.json']


def test_class_images_do_not_depend_on_the_other_classes(tmp_path: Path) -> None:
    # Images depend on (seed, character) only: a class drawn in two runs looks the same.
    generate_glyphs(tmp_path / 'few', seed=0, **TINY)
    more = dict(TINY, num_classes={'train': 10, 'val': 3, 'test': 4})
    generate_glyphs(tmp_path / 'many', seed=0, **more)
    few, many = _tree(tmp_path / 'few'), _tree(tmp_path / 'many')
    shared = [k for k in few if k.startswith('images/lisu') and k in many]
    assert shared
    for key in shared:
        assert few[key] == many[key]


def test_splits_have_disjoint_scripts_by_default() -> None:
    owners: dict[str, str] = {}
    for split, scripts in DEFAULT_SPLIT_SCRIPTS.items():
        for script in scripts:
            assert script not in owners, f'{script} in {owners.get(script)} and {split}'
            owners[script] = split
    assert DEFAULT_NUM_CLASSES['train'] >= 400
    assert DEFAULT_NUM_CLASSES['test'] >= 150
    assert DEFAULT_NUM_CLASSES['val'] >= 1


def test_plan_takes_every_eligible_class_with_none() -> None:
    every = plan_glyph_classes(0, {'train': None, 'val': None, 'test': None}, TINY_SCRIPTS)
    drawn = plan_glyph_classes(0, TINY_COUNTS, TINY_SCRIPTS)
    redrawn = plan_glyph_classes(0, TINY_COUNTS, TINY_SCRIPTS)
    other = plan_glyph_classes(1, TINY_COUNTS, TINY_SCRIPTS)
    for split, count in TINY_COUNTS.items():
        assert len(drawn[split]) == count
        assert set(drawn[split]) <= set(every[split])
        assert drawn[split] == redrawn[split]
        assert [c.name for c in drawn[split]] == sorted(c.name for c in drawn[split])
        for cls in every[split]:
            assert len(cls.faces) >= 2
            assert cls.name == glyph_class_name(cls.script, cls.codepoint)
    assert any(drawn[s] != other[s] for s in TINY_COUNTS)
    # Lisu has 46 letters covered by two faces; near-duplicates are dropped but most survive.
    assert 30 <= len(every['train']) <= 46


def test_plan_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"num_classes\['val'\]=500 but scripts \['armenian'\]"):
        plan_glyph_classes(0, {**TINY_COUNTS, 'val': 500}, TINY_SCRIPTS)
    with pytest.raises(ValueError, match="script 'hebrew' is in both the 'val' and 'test' splits"):
        plan_glyph_classes(0, TINY_COUNTS, {**TINY_SCRIPTS, 'val': ('hebrew',)})
    with pytest.raises(ValueError, match=r"unknown split\(s\) \['dev'\]"):
        plan_glyph_classes(0, {'dev': 3}, TINY_SCRIPTS)
    with pytest.raises(ValueError, match="names unknown script 'elvish'"):
        plan_glyph_classes(0, TINY_COUNTS, {**TINY_SCRIPTS, 'test': ('elvish',)})


def test_generate_refuses_to_clobber_and_can_overwrite(tmp_path: Path) -> None:
    out = tmp_path / 'glyphs'
    out.mkdir()
    (out / 'keep.txt').write_text('mine')
    with pytest.raises(FileExistsError, match=r'already exists.*overwrite=True'):
        generate_glyphs(out, **TINY)
    assert (out / 'keep.txt').read_text() == 'mine'
    generate_glyphs(out, overwrite=True, **TINY)
    assert not (out / 'keep.txt').exists()
    assert (out / 'meta.json').is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['glyphs']  # no leftovers


def test_generate_fills_an_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / 'empty'
    out.mkdir()
    generate_glyphs(out, **TINY)
    assert (out / 'train.csv').is_file()


def test_interrupted_generation_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {'n': 0}
    real = gen._encode_png

    def failing(img: np.ndarray) -> bytes:
        calls['n'] += 1
        if calls['n'] > 10:
            raise KeyboardInterrupt
        return real(img)

    monkeypatch.setattr(gen, '_encode_png', failing)
    with pytest.raises(KeyboardInterrupt):
        generate_glyphs(tmp_path / 'glyphs', **TINY)
    assert list(tmp_path.iterdir()) == []


def test_publish_keeps_a_dataset_finished_by_another_process(tmp_path: Path) -> None:
    out = tmp_path / 'glyphs'
    out.mkdir()
    (out / 'meta.json').write_text('{"theirs": true}')
    mine = tmp_path / '.glyphs.tmp-x'
    mine.mkdir()
    (mine / 'meta.json').write_text('{"mine": true}')
    gen._publish(mine, out, overwrite=False)
    assert (out / 'meta.json').read_text() == '{"theirs": true}'
    assert not mine.exists()


def test_generate_rejects_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match='image_size=4 is too small'):
        generate_glyphs(tmp_path / 'g', **{**TINY, 'image_size': 4})
    with pytest.raises(ValueError, match='images_per_class=0 must be at least 1'):
        generate_glyphs(tmp_path / 'g', **{**TINY, 'images_per_class': 0})
    with pytest.raises(ValueError, match='stroke_noise=3'):
        generate_glyphs(tmp_path / 'g', stroke_noise=3, **TINY)
    assert not (tmp_path / 'g').exists()


@pytest.mark.slow
def test_default_plan_counts_and_deduplication() -> None:
    every = plan_glyph_classes(0, {'train': None, 'val': None, 'test': None})
    default = plan_glyph_classes(0)
    for split, count in DEFAULT_NUM_CLASSES.items():
        assert len(default[split]) == count
        assert len(every[split]) >= count
        assert {c.script for c in every[split]} == set(DEFAULT_SPLIT_SCRIPTS[split])
    latin = {c.codepoint for c in every['train'] if c.script == 'latin'}
    assert ord('A') in latin
    assert not {ord('o'), ord('O')} <= latin  # same shape once scaled: one class at most
    names = [{c.name for c in default[s]} for s in ('train', 'val', 'test')]
    assert not (names[0] & names[1])
    assert not (names[0] & names[2])
    assert not (names[1] & names[2])
