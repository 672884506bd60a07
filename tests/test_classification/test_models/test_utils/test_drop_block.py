import pytest
import torch

from mmfewshot.classification.models.utils import DropBlock, drop_block_gamma


def test_drop_block_is_identity_in_eval_or_without_gamma() -> None:
    block = DropBlock(3)
    x = torch.randn(2, 4, 8, 8)
    assert torch.equal(block.eval()(x, 0.5), x)
    assert torch.equal(block.train()(x, 0.0), x)


def test_drop_block_drops_square_blocks_and_rescales() -> None:
    torch.manual_seed(0)
    block = DropBlock(3).train()
    x = torch.ones(1, 1, 9, 9)
    out = block(x, 0.06)
    dropped = out == 0
    kept = ~dropped
    assert dropped.any()
    assert kept.any()
    # every kept value is rescaled by numel / kept
    scale = out.numel() / kept.sum().item()
    assert torch.allclose(out[kept], torch.full_like(out[kept], scale))
    # every dropped position lies in a fully dropped 3x3 square
    mask = dropped[0, 0]
    for r, c in mask.nonzero().tolist():
        assert any(
            bool(mask[i : i + 3, j : j + 3].all())
            for i in range(max(0, r - 2), min(r, 6) + 1)
            for j in range(max(0, c - 2), min(c, 6) + 1)
        )


def test_drop_block_gamma_schedule_by_hand() -> None:
    # Start of training: nothing dropped.
    assert drop_block_gamma(0.1, 5, 10, 0) == pytest.approx(0.0)
    # Halfway through the 40,000-batch ramp: keep rate 0.95.
    expected = 0.05 / 25 * 100 / 36
    assert drop_block_gamma(0.1, 5, 10, 20000) == pytest.approx(expected)
    # After the ramp: keep rate 1 - drop_rate.
    assert drop_block_gamma(0.1, 5, 10, 10**6) == pytest.approx(0.1 / 25 * 100 / 36)
    # Block larger than the map is clipped to the map.
    assert drop_block_gamma(0.1, 5, 3, 10**6) == pytest.approx(0.1 / 9 * 9 / 1)


def test_drop_block_rejects_bad_size() -> None:
    with pytest.raises(ValueError, match='block_size must be >= 1'):
        DropBlock(0)
