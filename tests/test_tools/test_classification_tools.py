import glob
import json

import pytest


def test_train_then_meta_test(cls_config, load_tool, tmp_path, monkeypatch, capsys):
    config = cls_config()
    monkeypatch.chdir(tmp_path)
    # no --work-dir: ./work_dirs/<config name>
    load_tool('classification/train').main([config, '--cfg-options', 'runner.max_iters=4'])
    work = tmp_path / 'work_dirs' / 'toy_cls'
    assert sorted(p.name for p in work.glob('*.pth')) == [
        'best_accuracy_mean.pth', 'iter_2.pth', 'iter_4.pth', 'latest.pth'
    ]  # fmt: skip
    with open(glob.glob(str(work / '*' / '*.log'))[0]) as f:
        log = f.read()
    assert 'Iter(val) [2]\taccuracy_mean: ' in log
    assert 'Iter(val) [4]\taccuracy_mean: ' in log
    capsys.readouterr()

    out = str(tmp_path / 'res.json')
    load_tool('classification/test').main(
        [config, str(work / 'iter_4.pth'), '--out', out, '--show-task-results', '--seed', '3']
    )
    stdout = capsys.readouterr().out
    printed = json.loads(stdout[stdout.index('{\n') :])  # the summary is printed last
    with open(out) as f:
        saved = json.load(f)
    assert len(saved['tasks']) == 3
    assert set(saved['summary']) == {'accuracy_mean', 'accuracy_std'}
    assert 0 <= saved['summary']['accuracy_mean'] <= 100
    assert printed == saved['summary']


def test_test_tool_rejects_a_non_json_out(cls_config, load_tool, capsys):
    with pytest.raises(SystemExit):
        load_tool('classification/test').parse_args([cls_config(), 'x.pth', '--out', 'r.pkl'])
    assert 'the output file must end with .json' in capsys.readouterr().err


def test_train_tool_arguments_match_the_original(load_tool):
    args = load_tool('classification/train').parse_args(
        ['c.py', '--work-dir', 'w', '--resume-from', 'r.pth', '--no-validate', '--device', 'cpu',
         '--seed', '4', '--deterministic', '--options', 'a=1', '--launcher', 'pytorch',
         '--local_rank', '1']
    )  # fmt: skip
    assert (args.work_dir, args.resume_from, args.no_validate, args.device) == (
        'w',
        'r.pth',
        True,
        'cpu',
    )
    assert (args.seed, args.deterministic, args.options, args.launcher) == (
        4,
        True,
        {'a': 1},
        'pytorch',
    )
    with pytest.raises(SystemExit):  # --device, --gpus, --gpu-ids, --gpu-id are exclusive
        load_tool('classification/train').parse_args(['c.py', '--gpus', '1', '--gpu-id', '1'])


def test_distributed_meta_test_matches_one_process(cls_config, load_tool, tmp_path, run_two_ranks):
    config = cls_config()
    work = tmp_path / 'work'
    train = load_tool('classification/train')
    train.main([config, '--work-dir', str(work), '--no-validate',
                '--cfg-options', 'runner.max_iters=2'])  # fmt: skip
    test = load_tool('classification/test')
    single = tmp_path / 'single.json'
    test.main([config, str(work / 'iter_2.pth'), '--out', str(single)])

    def rank_fn(rank):
        test.main([config, str(work / 'iter_2.pth'), '--out', str(tmp_path / 'dist.json'),
                   '--launcher', 'pytorch'])  # fmt: skip

    run_two_ranks(rank_fn)
    with open(single) as f1, open(tmp_path / 'dist.json') as f2:
        expected, got = json.load(f1), json.load(f2)
    assert got['summary'] == expected['summary']
    assert got['tasks'] == expected['tasks']
