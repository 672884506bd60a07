import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmfewshot.classification.apis import test as apis_test
from mmfewshot.classification.core.evaluation import meta_test
from mmfewshot.classification.models import ProtoNet
from mmfewshot.classification.utils import MetaTestParallel


def _state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _assert_same_state(model: torch.nn.Module, before: dict[str, torch.Tensor]) -> None:
    after = model.state_dict()
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert torch.equal(after[key], value), key


def test_apis_exposes_the_meta_test_functions() -> None:
    assert apis_test.single_gpu_meta_test is meta_test.single_gpu_meta_test
    assert apis_test.multi_gpu_meta_test is meta_test.multi_gpu_meta_test
    assert apis_test.test_single_task is meta_test.test_single_task
    assert apis_test.Z_SCORE[0.95] == 1.96


def test_single_task_protonet_predicts_the_nearest_prototype(
    make_loaders: Any, build_classifier: Any
) -> None:
    support, query, _, cfg = make_loaders(False, shots=2)
    model = build_classifier('proto')
    model.train()
    before = _state(model)
    query.dataset.set_task_id(3)
    results, gt_labels = meta_test.test_single_task(model, support, query, cfg)

    assert model.training  # the caller's model is untouched
    _assert_same_state(model, before)
    # Independent reference: Euclidean distance to the class means of the support features.
    dataset = query.dataset
    class_ids = dataset.get_task_class_ids()
    idxes = dataset.get_episode_idxes(3)
    inner = dataset.dataset
    model.eval()
    with torch.no_grad():
        support_feats = model.extract_feat(torch.stack([inner[i]['img'] for i in idxes['support']]))
        query_feats = model.extract_feat(torch.stack([inner[i]['img'] for i in idxes['query']]))
    support_labels = [
        class_ids.index(int(inner.data_infos[i]['gt_label'])) for i in idxes['support']
    ]
    protos = torch.stack(
        [support_feats[torch.tensor(support_labels) == w].mean(0) for w in range(len(class_ids))]
    )
    expected = torch.cdist(query_feats, protos).argmin(1).tolist()
    assert [int(np.argmax(r)) for r in results] == expected
    assert len(results) == 3 * 2
    expected_gt = [class_ids.index(int(inner.data_infos[i]['gt_label'])) for i in idxes['query']]
    assert gt_labels.tolist() == expected_gt


def test_single_task_passes_the_whole_support_set_in_order(
    make_loaders: Any, build_classifier: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # batch_size 2 with drop_last over 3 support images would drop one of them.
    support, query, _, cfg = make_loaders(False, drop_last=True)
    support.dataset.set_task_id(1)
    seen: list[list[int]] = []
    original = ProtoNet.forward_support

    def spy(self: Any, gt_label: torch.Tensor, **kwargs: Any) -> None:
        seen.append(gt_label.tolist())
        return original(self, gt_label=gt_label, **kwargs)

    monkeypatch.setattr(ProtoNet, 'forward_support', spy)
    loader = torch.utils.data.DataLoader(
        support.dataset, batch_size=2, shuffle=True, drop_last=True, collate_fn=support.collate_fn
    )
    first, _ = meta_test.test_single_task(build_classifier('proto'), loader, query, cfg)
    second, _ = meta_test.test_single_task(build_classifier('proto'), loader, query, cfg)
    # Two calls, each passing the 3 support images once, in the same order: [2 images], [1].
    assert [len(batch) for batch in seen] == [2, 1, 2, 1]
    assert seen[:2] == seen[2:]
    assert sorted(seen[0] + seen[1]) == [0, 1, 2]
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_single_gpu_meta_test_summary_is_mean_and_ci_of_tasks(
    make_loaders: Any, build_classifier: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    support, query, _, cfg = make_loaders(False)
    model = build_classifier('proto')
    out = tmp_path / 'tasks' / 'results.json'
    summary = meta_test.single_gpu_meta_test(
        model, 5, support, query, meta_test_cfg=cfg, show_task_results=True,
        eval_kwargs=dict(metric=['accuracy', 'precision']), task_results_file=str(out),
    )  # fmt: skip
    accuracies = []
    for task_id in range(5):
        query.dataset.set_task_id(task_id)
        results, gt = meta_test.test_single_task(model, support, query, cfg)
        pred = np.array([int(np.argmax(r)) for r in results])
        accuracies.append(100.0 * float(np.mean(pred == gt)))
    assert list(summary) == ['accuracy_mean', 'accuracy_std', 'precision_mean', 'precision_std']
    assert summary['accuracy_mean'] == pytest.approx(np.mean(accuracies))
    assert summary['accuracy_std'] == pytest.approx(1.96 * np.std(accuracies) / math.sqrt(5))
    logged = capsys.readouterr().out
    for task_id in range(5):
        assert f'task {task_id}: accuracy: {accuracies[task_id]:.2f}' in logged
    exported = json.loads(out.read_text())
    assert [t['task_id'] for t in exported['tasks']] == list(range(5))
    assert [t['accuracy'] for t in exported['tasks']] == pytest.approx(accuracies)
    assert exported['summary']['accuracy_mean'] == pytest.approx(summary['accuracy_mean'])
    assert exported['confidence_interval'] == 0.95
    assert [p.name for p in out.parent.iterdir()] == ['results.json']  # no temporary files left


@pytest.mark.parametrize('kind', ['proto', 'baseline', 'relation'])
def test_fast_test_gives_the_same_numbers_as_images(
    kind: str, make_loaders: Any, build_classifier: Any, finetune_cfg: dict, tmp_path: Path
) -> None:
    support_kwargs = dict(train=finetune_cfg) if kind == 'baseline' else {}
    model = build_classifier(kind)
    outputs = {}
    for fast in (False, True):
        support, query, test_set, cfg = make_loaders(fast, **support_kwargs)
        assert (test_set is None) != fast
        out = tmp_path / f'{fast}.json'
        summary = meta_test.single_gpu_meta_test(
            model, 6, support, query, test_set, cfg, task_results_file=str(out)
        )
        outputs[fast] = (summary, json.loads(out.read_text())['tasks'])
        assert not support.dataset.with_cache_feats  # the cache is dropped afterwards
    accuracies = [t['accuracy'] for t in outputs[False][1]]
    assert len(set(accuracies)) > 1  # the tasks differ, so the comparison means something
    assert outputs[True][1] == outputs[False][1]
    assert outputs[True][0] == pytest.approx(outputs[False][0], abs=1e-9)
    # The scores themselves agree too (features of a batch of 5 vs of a task's batch).
    support, query, test_set, cfg = make_loaders(True, **support_kwargs)
    query.dataset.set_task_id(4)
    plain, _ = meta_test.test_single_task(model, support, query, cfg)
    meta_test.extract_features_for_fast_test(model.eval(), support, query, test_set)
    cached, _ = meta_test.test_single_task(model, support, query, cfg)
    support.dataset.clear_cached_feats()
    np.testing.assert_allclose(np.stack(cached), np.stack(plain), rtol=1e-4, atol=1e-5)


def test_extract_features_caches_every_test_image(make_loaders: Any, build_classifier: Any) -> None:
    support, query, test_set, _ = make_loaders(True)
    model = build_classifier('proto').eval()
    feats = meta_test.extract_features_for_fast_test(model, support, query, test_set)
    inner = test_set.dataset.dataset
    assert feats.shape == (len(inner), 64)
    with torch.no_grad():
        expected = model.extract_feat(torch.stack([inner[i]['img'] for i in range(len(inner))]))
    torch.testing.assert_close(feats, expected, rtol=1e-5, atol=1e-5)
    support.dataset.set_task_id(2)
    item = support.dataset[0]
    data_idx = support.dataset.get_episode_idxes(2)['support'][0]
    torch.testing.assert_close(item['feats'], feats[data_idx])
    support.dataset.clear_cached_feats()


def test_meta_test_leaves_the_training_model_untouched(
    make_loaders: Any, build_classifier: Any, finetune_cfg: dict
) -> None:
    support, query, test_set, cfg = make_loaders(True, train=finetune_cfg)
    model = build_classifier('baseline')
    model.train()
    before = _state(model)
    meta_test.single_gpu_meta_test(model, 2, support, query, test_set, meta_test_cfg=cfg)
    assert model.training
    assert model.backbone.training
    assert all(p.requires_grad for p in model.parameters())
    assert model.meta_test_head is None
    assert model.meta_test_cfg is None
    _assert_same_state(model, before)


def test_maml_meta_test_adapts_per_task(make_loaders: Any, build_classifier: Any) -> None:
    support, query, _, cfg = make_loaders(False)
    cfg['support']['num_inner_steps'] = 2
    model = MetaTestParallel(build_classifier('maml'))
    summary = meta_test.single_gpu_meta_test(model, 3, support, query, meta_test_cfg=cfg)
    assert 0.0 <= summary['accuracy_mean'] <= 100.0
    support, query, test_set, cfg = make_loaders(True)
    with pytest.raises(ValueError, match='fast_test=False'):
        meta_test.single_gpu_meta_test(model, 3, support, query, test_set, meta_test_cfg=cfg)


def test_meta_test_rejects_bad_arguments(make_loaders: Any, build_classifier: Any) -> None:
    support, query, _, cfg = make_loaders(False)
    model = build_classifier('proto')
    with pytest.raises(ValueError, match=r'num_test_tasks=7 must be between 1 and the 6 episodes'):
        meta_test.single_gpu_meta_test(model, 7, support, query, meta_test_cfg=cfg)
    with pytest.raises(ValueError, match='num_test_tasks=0'):
        meta_test.single_gpu_meta_test(model, 0, support, query, meta_test_cfg=cfg)
    with pytest.raises(KeyError, match=r'confidence_interval=0\.97'):
        meta_test.single_gpu_meta_test(
            model, 2, support, query, meta_test_cfg=cfg, confidence_interval=0.97
        )
    with pytest.raises(ValueError, match='fast_test=True needs test_set_dataloader'):
        meta_test.single_gpu_meta_test(
            model, 2, support, query, meta_test_cfg=dict(cfg, fast_test=True)
        )


def _dist_worker(rank: int, store_path: str, out_dir: str, jobs: list) -> None:
    torch.set_num_threads(1)
    store = dist.FileStore(store_path, 2)
    dist.init_process_group('gloo', store=store, rank=rank, world_size=2)
    try:
        summaries = []
        for name, model, (support, query, test_set, cfg) in jobs:
            out = Path(out_dir) / f'{name}.json'
            summaries.append(
                meta_test.multi_gpu_meta_test(
                    model, 6, support, query, test_set, cfg, task_results_file=str(out)
                )
            )
        Path(out_dir, f'rank{rank}.json').write_text(json.dumps(summaries))
    finally:
        dist.destroy_process_group()


@pytest.mark.slow
def test_two_gloo_processes_give_exactly_the_single_process_numbers(
    make_loaders: Any, build_classifier: Any, finetune_cfg: dict, tmp_path: Path
) -> None:
    jobs = [
        ('proto_fast', build_classifier('proto'), make_loaders(True)),
        ('baseline', build_classifier('baseline'), make_loaders(False, train=finetune_cfg)),
    ]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        single = []
        for name, model, (support, query, test_set, cfg) in jobs:
            out = tmp_path / f'single_{name}.json'
            single.append(
                meta_test.single_gpu_meta_test(
                    model, 6, support, query, test_set, cfg, task_results_file=str(out)
                )
            )
    finally:
        torch.set_num_threads(threads)
    args = (str(tmp_path / 'store'), str(tmp_path), jobs)
    mp.start_processes(_dist_worker, args=args, nprocs=2, join=True, start_method='fork')
    for rank in (0, 1):
        assert json.loads((tmp_path / f'rank{rank}.json').read_text()) == single  # exactly
    for name, *_ in jobs:
        multi = json.loads((tmp_path / f'{name}.json').read_text())
        assert multi == json.loads((tmp_path / f'single_{name}.json').read_text())


@pytest.mark.gpu
@pytest.mark.parametrize('kind', ['proto', 'relation', 'baseline', 'maml'])
def test_a_task_on_cuda_scores_as_on_the_cpu(
    kind: str,
    make_loaders: Any,
    build_classifier: Any,
    finetune_cfg: dict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # full fp32 convolutions, so that the CPU run is a tight reference
    monkeypatch.setattr(torch.backends.cudnn, 'allow_tf32', False)
    monkeypatch.setattr(torch.backends.cuda.matmul, 'allow_tf32', False)
    support_kwargs = dict(train=finetune_cfg) if kind == 'baseline' else {}
    scores = {}
    for device in ('cpu', 'cuda'):
        model = build_classifier(kind).to(device)
        before = _state(model)
        support, query, _, cfg = make_loaders(False, **support_kwargs)
        query.dataset.set_task_id(2)
        results, _ = meta_test.test_single_task(model, support, query, cfg)
        scores[device] = np.stack(results)
        assert all(p.device.type == device for p in model.parameters())
        _assert_same_state(model, before)  # the copy adapted, not the caller's model
    np.testing.assert_allclose(scores['cuda'], scores['cpu'], rtol=1e-3, atol=1e-4)
