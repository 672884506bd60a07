import pytest
import torch

from mmfewshot.registry import MODELS
from mmfewshot.utils import DataContainer, FewShotDataPreprocessor, collate


def _det_batch() -> dict:
    samples = [
        {
            'img': DataContainer(torch.ones(3, 2, 3), stack=True),
            'img_metas': DataContainer({'filename': 'a.jpg'}, cpu_only=True),
            'gt_bboxes': DataContainer(torch.tensor([[0.0, 0.0, 1.0, 1.0]])),
            'gt_labels': DataContainer(torch.tensor([2])),
        },
        {
            'img': DataContainer(torch.ones(3, 3, 2) * 2, stack=True),
            'img_metas': DataContainer({'filename': 'b.jpg'}, cpu_only=True),
            'gt_bboxes': DataContainer(torch.zeros(0, 4)),
            'gt_labels': DataContainer(torch.zeros(0, dtype=torch.long)),
        },
    ]
    return collate(samples, samples_per_gpu=2)


def test_preprocessor_is_registered() -> None:
    pre = MODELS.build(dict(type='FewShotDataPreprocessor'))
    assert isinstance(pre, FewShotDataPreprocessor)


def test_preprocessor_unwraps_detection_batch() -> None:
    out = FewShotDataPreprocessor()(_det_batch(), training=True)
    assert out['img'].shape == (2, 3, 3, 3)
    # padded bottom-right with zeros
    assert out['img'][0, 0].tolist() == [[1, 1, 1], [1, 1, 1], [0, 0, 0]]
    assert out['img'][1, 0].tolist() == [[2, 2, 0], [2, 2, 0], [2, 2, 0]]
    assert out['img_metas'] == [{'filename': 'a.jpg'}, {'filename': 'b.jpg'}]
    assert isinstance(out['gt_bboxes'], list)
    assert len(out['gt_bboxes']) == 2
    assert torch.equal(out['gt_bboxes'][0], torch.tensor([[0.0, 0.0, 1.0, 1.0]]))
    assert out['gt_labels'][1].shape == (0,)


def test_preprocessor_handles_episodic_and_plain_fields() -> None:
    batch = {
        'support_data': {
            'img': torch.zeros(4, 3, 2, 2),
            'gt_label': torch.tensor([0, 1, 0, 1]),
            'img_metas': DataContainer([[{'i': 0}, {'i': 1}]], cpu_only=True),
        },
        'query_data': [DataContainer([torch.ones(2)])],
        'mode': 'train',
    }
    out = FewShotDataPreprocessor()(batch)
    assert out['support_data']['img'].shape == (4, 3, 2, 2)
    assert out['support_data']['img_metas'] == [{'i': 0}, {'i': 1}]
    assert torch.equal(out['query_data'][0], torch.ones(2))
    assert out['mode'] == 'train'


def test_preprocessor_moves_tensors_to_model_device_but_not_cpu_only() -> None:
    pre = FewShotDataPreprocessor()
    pre.to('meta')
    assert pre.device == torch.device('meta')
    out = pre(_det_batch())
    assert out['img'].device.type == 'meta'
    assert out['gt_bboxes'][0].device.type == 'meta'
    meta_tensor = torch.zeros(1)
    cpu = pre({'m': DataContainer([[meta_tensor]], cpu_only=True)})
    assert cpu['m'][0] is meta_tensor


def test_preprocessor_rejects_uncollated_and_multichunk_containers() -> None:
    pre = FewShotDataPreprocessor()
    with pytest.raises(TypeError, match='uncollated DataContainer holding Tensor'):
        pre({'img': DataContainer(torch.zeros(3, 2, 2), stack=True)})
    two = collate([DataContainer(torch.zeros(1, 1, 1), stack=True)] * 2, samples_per_gpu=1)
    with pytest.raises(ValueError, match=r'2 device chunks; .* num_gpus=1'):
        pre({'img': two})
