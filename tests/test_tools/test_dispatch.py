import pytest
from mmengine.config import Config

from mmfewshot.engine import detect_task, load_config


def test_dispatch_runs_the_tool_of_the_config_task(det_config, cls_config, load_tool, tmp_path):
    dispatch = load_tool('dispatch')
    assert dispatch.task_of([det_config()]) == 'detection'  # explicit task key
    # ProtoNet is registered from mmfewshot.classification: the model decides
    assert dispatch.task_of([cls_config()]) == 'classification'
    work = tmp_path / 'w'
    dispatch.dispatch('train', [det_config(), '--work-dir', str(work), '--no-validate'])
    assert (work / 'epoch_2.pth').is_file()
    dispatch.dispatch(
        'test', [det_config(), str(work / 'epoch_2.pth'), '--out', str(tmp_path / 'r.pkl')]
    )
    assert (tmp_path / 'r.pkl').is_file()


def test_detect_task_by_key_path_and_model(tmp_path, toys):
    assert detect_task({'task': 'classification'}) == 'classification'
    with pytest.raises(ValueError, match="task='seg' in the config must be"):
        detect_task({'task': 'seg'})
    path = tmp_path / 'configs' / 'detection' / 'tfa' / 'x.py'
    assert detect_task({}, str(path)) == 'detection'
    nested = tmp_path / 'configs' / 'detection' / 'configs' / 'classification' / 'x.py'
    assert detect_task({}, str(nested)) == 'classification'  # the innermost wins
    assert detect_task({'model': {'type': 'ProtoNet'}}, 'a.py') == 'classification'
    cfg_path = tmp_path / 'toy.py'
    cfg_path.write_text(
        "custom_imports = dict(imports=['mmfewshot_tools_test_toys'])\n"
        "model = dict(type='ToolsToyDetector')\n"
    )
    with pytest.raises(ValueError, match="add task='classification' or task='detection'"):
        detect_task(load_config(str(cfg_path)), str(cfg_path))


def test_load_config_missing_file_and_options(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        load_config(str(tmp_path / 'nope.py'))
    cfg_path = tmp_path / 'c.py'
    cfg_path.write_text("data = dict(train=dict(pipeline=[dict(type='A')]))\n")
    cfg = load_config(str(cfg_path), {'data.train.pipeline.0.type': 'B', 'task': 'detection'})
    assert cfg.data.train.pipeline[0].type == 'B'
    assert detect_task(cfg) == 'detection'


def test_print_config_prints_the_merged_config(tmp_path, load_tool, capsys):
    (tmp_path / 'base.py').write_text('a = 1\nb = dict(c=[1, 2])\n')
    (tmp_path / 'child.py').write_text("_base_ = './base.py'\nb = dict(d=3)\n")
    load_tool('misc/print_config').main(
        [str(tmp_path / 'child.py'), '--cfg-options', 'b.c=[5,6]', 'workflow=[(train,1),(val,1)]']
    )
    out = capsys.readouterr().out
    assert out.startswith('Config:\n')
    printed = Config.fromstring(out[len('Config:\n') :], '.py')
    assert printed.to_dict() == {
        'a': 1, 'b': {'c': [5, 6], 'd': 3}, 'workflow': [('train', 1), ('val', 1)]
    }  # fmt: skip
