import glob
import pickle

import numpy as np
import pytest
import torch


def test_train_evaluates_and_test_writes_evaluates_and_shows(
    det_config, load_tool, tmp_path, capsys
):
    config = det_config()
    work = tmp_path / 'work'
    load_tool('detection/train').main([config, '--work-dir', str(work)])
    assert sorted(p.name for p in work.glob('*.pth')) == [
        'epoch_1.pth', 'epoch_2.pth', 'latest.pth', 'params_rank0.pth'
    ]  # fmt: skip
    with open(glob.glob(str(work / '*' / '*.log'))[0]) as f:
        log = f.read()
    # evaluation keys other than interval/by_epoch/save_best reach dataset.evaluate
    assert 'Epoch(val) [2][3]\taccuracy: ' in log
    assert 'metric: mAP, iou_thr: 0.5' in log
    meta = torch.load(work / 'epoch_2.pth', weights_only=True)['meta']
    assert meta['CLASSES'] == ('a', 'b')
    assert meta['exp_name'] == 'toy_det.py'
    capsys.readouterr()

    out, show = tmp_path / 'out' / 'res.pkl', tmp_path / 'shown'
    load_tool('detection/test').main([
        config, str(work / 'epoch_2.pth'), '--out', str(out), '--eval', 'mAP',
        '--eval-options', 'iou_thr=0.7', '--show-dir', str(show), '--show-score-thr', '0.5',
    ])  # fmt: skip
    with open(out, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == 5
    assert all(isinstance(r, np.ndarray) and r.shape == (2,) for r in results)
    printed = capsys.readouterr().out
    assert "'metric': \"['mAP']\"" in printed
    assert "'iou_thr': '0.7'" in printed
    assert sorted(p.name for p in show.iterdir()) == [f'img{i}.png' for i in range(5)]


def test_test_tool_argument_errors(det_config, load_tool, capsys):
    tool = load_tool('detection/test')
    with pytest.raises(SystemExit):
        tool.parse_args(['c.py', 'x.pth'])
    assert 'give at least one of --out, --eval, --show and --show-dir' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        tool.parse_args(['c.py', 'x.pth', '--out', 'r.json'])
    assert 'must be a .pkl or .pickle file' in capsys.readouterr().err
    args = tool.parse_args(['c.py', 'x.pth', '--eval', 'bbox', '--gpu-collect', '--tmpdir', 't'])
    assert (args.eval, args.gpu_collect, args.tmpdir, args.show_score_thr) == (
        ['bbox'],
        True,
        't',
        0.3,
    )


def test_distributed_test_gathers_results_in_dataset_order(det_config, load_tool, tmp_path,
                                                           run_two_ranks):  # fmt: skip
    config = det_config()
    work = tmp_path / 'work'
    load_tool('detection/train').main([config, '--work-dir', str(work), '--no-validate'])
    single = tmp_path / 'single.pkl'
    tool = load_tool('detection/test')
    tool.main([config, str(work / 'epoch_2.pth'), '--out', str(single)])

    def rank_fn(rank):
        out = tmp_path / 'dist.pkl'
        tool.main([config, str(work / 'epoch_2.pth'), '--out', str(out), '--launcher', 'pytorch',
                   '--gpu-collect'])  # fmt: skip
        return None

    run_two_ranks(rank_fn)
    with open(single, 'rb') as f1, open(tmp_path / 'dist.pkl', 'rb') as f2:
        expected, got = pickle.load(f1), pickle.load(f2)
    assert len(got) == len(expected) == 5
    np.testing.assert_allclose(np.stack(got), np.stack(expected), atol=1e-6)


def test_a_config_in_mmengine_schema_passes_through(toys, load_tool, tmp_path):
    config = tmp_path / 'mmengine_schema.py'
    config.write_text(
        "custom_imports = dict(imports=['mmfewshot_tools_test_toys'])\n"
        "task = 'detection'\n"
        "model = dict(type='ToolsToyDetector')\n"
        'train_dataloader = dict(\n'
        "    dataset=dict(type='ToolsToyDetDataset', n=4, with_metas=False),\n"
        "    sampler=dict(type='DefaultSampler', shuffle=False), batch_size=2, num_workers=0,\n"
        "    collate_fn=dict(type='default_collate'))\n"
        'train_cfg = dict(by_epoch=True, max_epochs=2)\n'
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n"
        "param_scheduler = dict(type='MultiStepLR', milestones=[1], by_epoch=True)\n"
        "default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1))\n"
    )
    work = tmp_path / 'work'
    load_tool('dispatch').dispatch('train', [str(config), '--work-dir', str(work), '--seed', '3'])
    checkpoint = torch.load(work / 'epoch_2.pth', weights_only=True)
    assert checkpoint['meta']['seed'] == 3
    assert checkpoint['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.01)
    assert (work / 'latest.pth').is_file()


def test_resume_from_a_tool_checkpoint(det_config, load_tool, tmp_path):
    # one batch of all 4 samples per epoch: the shuffled order cannot matter
    config = det_config(extra='data.update(samples_per_gpu=4)\n')
    work = tmp_path / 'work'
    train = load_tool('detection/train')
    train.main([config, '--work-dir', str(work), '--no-validate',
                '--cfg-options', 'runner.max_epochs=1'])  # fmt: skip
    train.main([config, '--work-dir', str(work), '--no-validate',
                '--resume-from', str(work / 'epoch_1.pth')])  # fmt: skip
    resumed = torch.load(work / 'epoch_2.pth', weights_only=True)
    train.main([config, '--work-dir', str(tmp_path / 'straight'), '--no-validate'])
    straight = torch.load(tmp_path / 'straight' / 'epoch_2.pth', weights_only=True)
    for key, value in straight['state_dict'].items():
        assert torch.equal(resumed['state_dict'][key], value), key
    assert resumed['meta']['epoch'] == 2
    assert resumed['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.05)
