"""The classification demos run on CPU with small checkpoints trained here by the tools."""

from pathlib import Path
from typing import Any

import cv2
import pytest

REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / 'demo' / 'demo_classification_images'
PROTO_CFG = 'configs/classification/proto_net/glyphs/proto-net_conv4_1xb105_glyphs_5way-1shot.py'
BASELINE_CFG = 'configs/classification/baseline/glyphs/baseline_conv4_1xb64_glyphs_5way-1shot.py'


def _train(script: Any, cfg: str, work_dir: Path, options: list[str]) -> Path:
    script('tools/classification/train.py').main(
        [str(REPO / cfg), '--work-dir', str(work_dir), '--no-validate', '--device', 'cpu',
         '--cfg-options', *options]
    )  # fmt: skip
    return work_dir / 'latest.pth'


@pytest.fixture(scope='module')
def checkpoints(tiny_glyphs: Path, tmp_path_factory: pytest.TempPathFactory, script: Any):
    work = tmp_path_factory.mktemp('work')
    proto = _train(script, PROTO_CFG, work / 'proto', [
        f'data.train.dataset.data_prefix={tiny_glyphs}', 'data.train.num_episodes=20',
        'data.train.num_ways=5', 'data.train.num_shots=2', 'data.train.num_queries=2',
        'data.workers_per_gpu=0', 'runner.max_iters=8', 'checkpoint_config.interval=8',
    ])  # fmt: skip
    baseline = _train(script, BASELINE_CFG, work / 'baseline', [
        f'data.train.data_prefix={tiny_glyphs}', 'data.samples_per_gpu=20',
        'data.workers_per_gpu=0', 'runner.max_epochs=2', 'checkpoint_config.interval=2',
        'lr_config.warmup_iters=1',
    ])  # fmt: skip
    return {'proto': proto, 'baseline': baseline}


def test_demo_images_are_ours_and_glyphs_sized() -> None:
    support = sorted(p.stem for p in (IMAGES / 'support_images').glob('*.png'))
    assert support == ['Ef', 'Shcha', 'Ya', 'Yu', 'Zhe']
    for path in [*(IMAGES / 'support_images').glob('*.png'), *(IMAGES / 'query_images').glob('*')]:
        assert cv2.imread(str(path)).shape == (32, 32, 3), path


@pytest.mark.slow
@pytest.mark.parametrize(
    ('demo', 'kind', 'cfg'),
    [
        ('demo/demo_metric_classifier_1shot_inference.py', 'proto', PROTO_CFG),
        ('demo/demo_finetune_classifier_1shot_inference.py', 'baseline', BASELINE_CFG),
    ],
)
@pytest.mark.parametrize('query', ['Zhe', 'Ya'])
def test_demo_predicts_the_class_of_the_query(
    demo: str, kind: str, cfg: str, query: str, checkpoints: dict, script: Any,
    tmp_path: Path, capsys: pytest.CaptureFixture,
) -> None:  # fmt: skip
    out = tmp_path / 'result.png'
    image = IMAGES / 'query_images' / f'{query}.png'
    result = script(demo).main(
        [str(image), str(REPO / cfg), str(checkpoints[kind]), '--device', 'cpu',
         '--out-file', str(out)]
    )  # fmt: skip
    assert sorted(result) == ['Ef', 'Shcha', 'Ya', 'Yu', 'Zhe']
    assert max(result, key=result.get) == query
    assert f'"prediction": "{query}"' in capsys.readouterr().out
    assert cv2.imread(str(out)) is not None


def test_demo_rejects_an_empty_support_folder(
    checkpoints: dict, script: Any, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match='no images'):
        script('demo/demo_metric_classifier_1shot_inference.py').main(
            [str(IMAGES / 'query_images' / 'Zhe.png'), str(REPO / PROTO_CFG),
             str(checkpoints['proto']), '--device', 'cpu', '--support-images-dir', str(tmp_path)]
        )  # fmt: skip
