import numpy as np
import pytest
import torch

from mmfewshot.utils import DataContainer, collate, multi_pipeline_collate_fn


def _img(c: int, h: int, w: int, start: float) -> torch.Tensor:
    return torch.arange(start, start + c * h * w, dtype=torch.float32).reshape(c, h, w)


def test_collate_pads_two_images_to_largest_size() -> None:
    a = _img(1, 2, 3, 1)  # [[1,2,3],[4,5,6]]
    b = _img(1, 3, 2, 11)  # [[11,12],[13,14],[15,16]]
    batch = [{'img': DataContainer(a, stack=True)}, {'img': DataContainer(b, stack=True)}]
    out = collate(batch, samples_per_gpu=2)
    assert isinstance(out['img'], DataContainer)
    assert out['img'].stack is True
    assert len(out['img'].data) == 1
    expected = torch.tensor(
        [
            [[[1, 2, 3], [4, 5, 6], [0, 0, 0]]],
            [[[11, 12, 0], [13, 14, 0], [15, 16, 0]]],
        ],
        dtype=torch.float32,
    )
    assert torch.equal(out['img'].data[0], expected)


def test_collate_uses_padding_value_and_splits_chunks() -> None:
    a, b, c = _img(1, 1, 1, 1), _img(1, 1, 2, 5), _img(1, 2, 1, 9)
    batch = [DataContainer(t, stack=True, padding_value=-1) for t in (a, b, c)]
    out = collate(batch, samples_per_gpu=2)
    assert out.padding_value == -1
    assert len(out.data) == 2
    assert torch.equal(out.data[0], torch.tensor([[[[1, -1]]], [[[5, 6]]]], dtype=torch.float32))
    # the second chunk holds only c, padded against itself
    assert torch.equal(out.data[1], torch.tensor([[[[9], [10]]]], dtype=torch.float32))


def test_collate_pad_dims_one_pads_only_last_dim() -> None:
    a = torch.tensor([[1.0], [2.0]])  # (2, 1)
    b = torch.tensor([[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])  # (2, 3)
    out = collate(
        [DataContainer(a, stack=True, pad_dims=1), DataContainer(b, True, 0, False, 1)], 2
    )
    expected = torch.tensor([[[1, 0, 0], [2, 0, 0]], [[3, 4, 5], [6, 7, 8]]], dtype=torch.float32)
    assert torch.equal(out.data[0], expected)


def test_collate_pad_dims_three() -> None:
    a, b = torch.ones(1, 1, 1, 1), torch.ones(1, 2, 1, 2) * 2
    out = collate(
        [DataContainer(a, stack=True, pad_dims=3), DataContainer(b, True, 0, False, 3)], 2
    )
    assert out.data[0].shape == (2, 1, 2, 1, 2)
    assert out.data[0].sum().item() == 1 + 2 * 4
    assert out.data[0][0, 0, 0, 0, 0].item() == 1


def test_collate_mismatched_leading_dims_raise() -> None:
    a, b = torch.zeros(1, 2, 2), torch.zeros(3, 2, 2)
    with pytest.raises(ValueError, match=r'leading 1 dims, got \(1, 2, 2\) and \(3, 2, 2\)'):
        collate([DataContainer(a, stack=True), DataContainer(b, stack=True)], 2)


def test_collate_pad_dims_too_large_raises() -> None:
    with pytest.raises(ValueError, match='cannot pad the last 2 dims of a 2-dim tensor'):
        collate([DataContainer(torch.zeros(2, 2), stack=True)], 1)


def test_collate_stack_needs_tensor() -> None:
    with pytest.raises(TypeError, match='needs tensor payloads, got ndarray'):
        collate([DataContainer(np.zeros((1, 2, 2)), stack=True)], 1)


def test_collate_pad_dims_none_stacks_equal_shapes() -> None:
    a, b = torch.zeros(2, 2), torch.ones(2, 2)
    out = collate(
        [DataContainer(a, stack=True, pad_dims=None), DataContainer(b, True, 0, False, None)]
    )
    assert len(out.data) == 2  # samples_per_gpu=1: one chunk per sample
    assert out.data[0].shape == (1, 2, 2)
    assert torch.equal(out.data[1][0], b)


def test_collate_cpu_only_keeps_lists_of_dicts() -> None:
    metas = [{'id': i} for i in range(3)]
    out = collate(
        [{'img_metas': DataContainer(m, cpu_only=True)} for m in metas], samples_per_gpu=2
    )
    dc = out['img_metas']
    assert dc.cpu_only is True
    assert dc.data == [[{'id': 0}, {'id': 1}], [{'id': 2}]]
    assert dc.data[0][0] is metas[0]


def test_collate_non_stack_containers_stay_lists() -> None:
    boxes = [torch.zeros(2, 4), torch.ones(5, 4)]
    out = collate([DataContainer(b) for b in boxes], samples_per_gpu=2)
    assert out.stack is False
    assert out.cpu_only is False
    assert len(out.data) == 1
    assert out.data[0][0] is boxes[0]
    assert out.data[0][1] is boxes[1]


def test_collate_plain_values_are_default_collated() -> None:
    batch = [
        {'gt_label': np.int64(3), 'x': torch.tensor([1.0, 2.0]), 'arr': np.array([1, 2]), 'n': 'a'},
        {'gt_label': np.int64(4), 'x': torch.tensor([3.0, 4.0]), 'arr': np.array([3, 4]), 'n': 'b'},
    ]
    out = collate(batch)
    assert torch.equal(out['gt_label'], torch.tensor([3, 4]))
    assert torch.equal(out['x'], torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert torch.equal(out['arr'], torch.tensor([[1, 2], [3, 4]]))
    assert out['n'] == ['a', 'b']


def test_collate_sequences_are_transposed() -> None:
    out = collate([(torch.tensor(1), 'a'), (torch.tensor(2), 'b')])
    assert isinstance(out, list)
    assert torch.equal(out[0], torch.tensor([1, 2]))
    assert out[1] == ['a', 'b']


def test_collate_rejects_non_sequence_and_bad_samples_per_gpu() -> None:
    with pytest.raises(TypeError, match='expects a list of samples, got Tensor'):
        collate(torch.zeros(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='samples_per_gpu=0'):
        collate([1, 2], samples_per_gpu=0)


def test_multi_pipeline_collate_flattens_list_fields() -> None:
    def item(i: int) -> dict:
        return {
            'img': DataContainer(torch.full((1, 2, 2), float(i)), stack=True),
            'img_metas': DataContainer({'i': i}, cpu_only=True),
            'gt_label': np.int64(i),
        }

    batch = [
        {'support_data': [item(0), item(1)], 'query_data': [item(10)]},
        {'support_data': [item(2), item(3)], 'query_data': [item(11)]},
    ]
    out = multi_pipeline_collate_fn(batch, samples_per_gpu=2)
    support = out['support_data']
    # 2 samples x 2 items, 2 items per sample -> 4 items on one device
    assert len(support['img'].data) == 1
    imgs = support['img'].data[0]
    assert imgs.shape == (4, 1, 2, 2)
    assert imgs[:, 0, 0, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert support['img_metas'].data == [[{'i': 0}, {'i': 1}, {'i': 2}, {'i': 3}]]
    assert torch.equal(support['gt_label'], torch.tensor([0, 1, 2, 3]))
    query = out['query_data']
    assert query['img'].data[0].shape == (2, 1, 2, 2)
    assert query['img_metas'].data == [[{'i': 10}, {'i': 11}]]


def test_multi_pipeline_collate_chunks_per_device() -> None:
    batch = [[DataContainer(torch.zeros(1, 1, 1) + i, stack=True)] * 2 for i in range(4)]
    out = multi_pipeline_collate_fn(batch, samples_per_gpu=1)
    # 8 items, 2 per device -> 4 chunks of 2
    assert len(out.data) == 4
    assert [c.shape[0] for c in out.data] == [2, 2, 2, 2]
    assert out.data[3][:, 0, 0, 0].tolist() == [3.0, 3.0]


def test_multi_pipeline_collate_plain_and_errors() -> None:
    assert torch.equal(multi_pipeline_collate_fn([1, 2, 3]), torch.tensor([1, 2, 3]))
    assert multi_pipeline_collate_fn([[], []]) == []
    with pytest.raises(TypeError, match='mixing lists and dict'):
        multi_pipeline_collate_fn([[1], {'a': 1}])
    with pytest.raises(TypeError, match='expects a list of samples, got str'):
        multi_pipeline_collate_fn('ab')
