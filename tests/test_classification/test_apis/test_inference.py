from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import torch

from mmfewshot.classification.apis import (
    inference_classifier,
    init_classifier,
    process_support_images,
    show_result_pyplot,
    support_images_from_folder,
)
from mmfewshot.classification.models import Baseline, ProtoNet
from mmfewshot.transforms import Compose


def _support(class_images: dict[str, list[str]], shots: int = 1) -> tuple[list[str], list[str]]:
    imgs, labels = [], []
    for name in ('frame', 'bars', 'dots'):  # not sorted: CLASSES get sorted
        imgs += class_images[name][:shots]
        labels += [name] * shots
    return imgs, labels


def test_init_classifier_on_cpu_with_options_and_checkpoint(write_config: Any, tmp_path: Path):
    torch.manual_seed(0)
    model = init_classifier(write_config('proto'), device='cpu')
    assert isinstance(model, ProtoNet)
    assert not model.training
    assert model.device == torch.device('cpu')
    assert model.cfg.data.test.meta_test_cfg.num_ways == 3
    changed = init_classifier(
        write_config('proto'), device='cpu', options={'data.test.meta_test_cfg.num_ways': 4}
    )
    assert changed.cfg.data.test.meta_test_cfg.num_ways == 4
    ckpt = tmp_path / 'weights.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    loaded = init_classifier(write_config('proto'), str(ckpt), device='cpu')
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


def test_init_classifier_errors(write_config: Any, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r'config file .*missing\.py'):
        init_classifier(str(tmp_path / 'missing.py'), device='cpu')
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available; pass device='cpu'"):
            init_classifier(write_config('proto'), device='cuda:0')


def test_protonet_inference_picks_the_nearest_support_image(
    write_config: Any, class_images: dict[str, list[str]]
) -> None:
    torch.manual_seed(0)
    model = init_classifier(write_config('proto'), device='cpu')
    with pytest.raises(RuntimeError, match='call process_support_images'):
        inference_classifier(model, class_images['dots'][3])
    imgs, labels = _support(class_images)
    process_support_images(model, imgs, labels)
    assert model.CLASSES == ['bars', 'dots', 'frame']
    query = class_images['dots'][3]
    result = inference_classifier(model, query)
    assert list(result) == ['bars', 'dots', 'frame']
    assert sum(result.values()) == pytest.approx(1.0)
    # Independent reference: Euclidean distance between features of the pipeline outputs.
    pipeline = Compose(model.cfg.data.test.dataset.pipeline)

    def feat(path: str) -> torch.Tensor:
        data = pipeline(dict(img_prefix=None, img_info=dict(filename=path), gt_label=np.int64(0)))
        with torch.no_grad():
            return model.extract_feat(data['img'][None])[0]

    by_class = {label: feat(img) for img, label in zip(imgs, labels, strict=True)}
    dists = {name: float(torch.dist(feat(query), f)) for name, f in by_class.items()}
    assert max(result, key=result.get) == min(dists, key=dists.get)
    # An image array gives the same scores as its file.
    from_array = inference_classifier(model, cv2.imread(query))
    assert from_array == pytest.approx(result)


def test_finetune_inference_fits_the_meta_test_head(
    write_config: Any, class_images: dict[str, list[str]]
) -> None:
    torch.manual_seed(0)
    model = init_classifier(write_config('baseline'), device='cpu')
    assert isinstance(model, Baseline)
    imgs, labels = _support(class_images, shots=2)
    process_support_images(model, imgs, labels)
    # The fitted head classifies its own support images correctly.
    for img, label in zip(imgs, labels, strict=True):
        result = inference_classifier(model, img)
        assert max(result, key=result.get) == label


def test_process_support_images_checks_its_input(
    write_config: Any, class_images: dict[str, list[str]]
) -> None:
    model = init_classifier(write_config('proto'), device='cpu')
    with pytest.raises(ValueError, match='2 support images but 1 labels'):
        process_support_images(model, class_images['bars'][:2], ['bars'])
    with pytest.raises(FileNotFoundError, match=r'image file .*nope\.png'):
        process_support_images(model, ['nope.png'], ['bars'])


def test_support_images_from_folder_labels_images_by_stem(tmp_path: Path) -> None:
    for name in ('Zhe.png', 'Ef.JPG', 'notes.txt', 'Ya.bmp'):
        (tmp_path / name).write_bytes(b'')
    (tmp_path / 'sub.png').mkdir()  # not a file: skipped
    files, labels = support_images_from_folder(str(tmp_path), extensions=('.png', '.jpg', '.bmp'))
    assert labels == ['Ef', 'Ya', 'Zhe']
    assert files == [str(tmp_path / f) for f in ('Ef.JPG', 'Ya.bmp', 'Zhe.png')]
    with pytest.raises(FileNotFoundError, match=r'no images \(\.gif\) in support image folder'):
        support_images_from_folder(str(tmp_path), extensions=('.gif',))
    with pytest.raises(FileNotFoundError, match=r"support image folder '.*missing' does not exist"):
        support_images_from_folder(str(tmp_path / 'missing'))


def test_show_result_pyplot_writes_the_figure(class_images: dict[str, list[str]], tmp_path: Path):
    out = tmp_path / 'vis' / 'result.png'
    drawn = show_result_pyplot(
        class_images['bars'][0], {'bars': 0.7, 'dots': 0.2, 'frame': 0.1},
        fig_size=(4, 2), out_file=str(out),
    )  # fmt: skip
    assert drawn.shape == (200, 400, 3)  # 4x2 inches at 100 dpi
    written = cv2.imread(str(out))
    assert written.shape == (200, 400, 3)
    assert [p.name for p in out.parent.iterdir()] == ['result.png']
    with pytest.raises(ValueError, match='result is empty'):
        show_result_pyplot(class_images['bars'][0], {}, out_file=str(out))


@pytest.mark.gpu
def test_inference_on_cuda_gives_the_cpu_scores(
    write_config: Any,
    class_images: dict[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch.backends.cudnn, 'allow_tf32', False)  # full fp32 convolutions
    torch.manual_seed(0)
    ckpt = tmp_path / 'proto.pth'
    reference = init_classifier(write_config('proto'), device='cpu')
    torch.save({'state_dict': reference.state_dict(), 'meta': {}}, ckpt)
    imgs, labels = _support(class_images)
    scores = {}
    for device in ('cpu', 'cuda:0'):
        model = init_classifier(write_config('proto'), str(ckpt), device=device)
        assert next(model.parameters()).device == torch.device(device)
        process_support_images(model, imgs, labels)
        scores[device] = inference_classifier(model, class_images['frame'][3])
    assert list(scores['cuda:0']) == ['bars', 'dots', 'frame']
    assert scores['cuda:0'] == pytest.approx(scores['cpu'], rel=1e-4, abs=1e-5)
