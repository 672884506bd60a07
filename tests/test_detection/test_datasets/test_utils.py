import json
import os

import numpy as np
import pytest

from mmfewshot.detection.datasets import NumpyEncoder, get_copy_dataset_type
from mmfewshot.detection.datasets.utils import dump_json_atomic, ensure_file, write_text_atomic


def test_numpy_encoder_writes_numpy_values():
    data = {
        'a': np.arange(3, dtype=np.int64),
        'b': np.float32(0.5),
        'c': np.int64(7),
        'd': np.bool_(True),
        'e': np.zeros((1, 2), np.float32),
    }
    assert json.loads(json.dumps(data, cls=NumpyEncoder)) == {
        'a': [0, 1, 2],
        'b': 0.5,
        'c': 7,
        'd': True,
        'e': [[0.0, 0.0]],
    }
    with pytest.raises(TypeError):
        json.dumps({'x': object()}, cls=NumpyEncoder)


@pytest.mark.parametrize(
    ('src', 'dst'),
    [
        ('FewShotVOCDataset', 'FewShotVOCCopyDataset'),
        ('FewShotVOCDefaultDataset', 'FewShotVOCCopyDataset'),
        ('FewShotCocoDataset', 'FewShotCocoCopyDataset'),
        ('FewShotCocoDefaultDataset', 'FewShotCocoCopyDataset'),
        ('GlyphScenesVOCDefaultDataset', 'GlyphScenesVOCCopyDataset'),
        ('GlyphScenesCocoDataset', 'GlyphScenesCocoCopyDataset'),
    ],
)
def test_get_copy_dataset_type(src, dst):
    assert get_copy_dataset_type(src) == dst


def test_get_copy_dataset_type_rejects_others():
    with pytest.raises(
        TypeError, match="'CUBDataset' cannot copy data_infos: it has no COPY_DATASET_TYPE"
    ):
        get_copy_dataset_type('CUBDataset')


def test_atomic_writers_leave_nothing_half_written(tmp_path):
    path = tmp_path / 'sub' / 'x.json'
    dump_json_atomic({'a': np.arange(2)}, str(path))
    assert json.loads(path.read_text()) == {'a': [0, 1]}
    with pytest.raises(TypeError):
        dump_json_atomic({'a': object()}, str(path))
    assert json.loads(path.read_text()) == {'a': [0, 1]}
    assert os.listdir(path.parent) == ['x.json']
    write_text_atomic('hi\n', str(tmp_path / 't.txt'))
    assert (tmp_path / 't.txt').read_text() == 'hi\n'


def test_ensure_file_names_path_and_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"split file '.*nope' does not exist; run X"):
        ensure_file(str(tmp_path / 'nope'), 'split file', 'run X')
