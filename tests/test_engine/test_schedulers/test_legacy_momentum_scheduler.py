import math

import pytest
import torch

from mmfewshot.engine.schedulers import LegacyMomentumScheduler


def trace(optimizer, key, n=10, **cfg):
    scheduler = LegacyMomentumScheduler(
        optimizer, iters_per_epoch=5, max_iters=10, max_epochs=2, **cfg
    )
    values = []
    for _ in range(n):
        values.append(key(optimizer.param_groups[0]))
        optimizer.step()
        scheduler.step()
    return values


def test_cyclic_momentum_uses_mmcv_defaults_on_sgd():
    # defaults: target_ratio (0.85/0.95, 1), step_ratio_up 0.4 -> 4 up iterations of 10.
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.95)
    values = trace(optimizer, lambda g: g['momentum'], policy='cyclic', by_epoch=False)
    low = 0.95 * 0.85 / 0.95
    assert values[0] == pytest.approx(0.95)
    assert values[2] == pytest.approx(low + (0.95 - low) * (math.cos(math.pi / 2) + 1) / 2)
    assert values[4] == pytest.approx(0.85)
    assert values[7] == pytest.approx(0.95 + (0.85 - 0.95) * (math.cos(math.pi / 2) + 1) / 2)


def test_momentum_of_adam_goes_to_betas_and_warmup_divides():
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1, betas=(0.9, 0.99))
    values = trace(
        optimizer, lambda g: g['betas'], policy='step', step=[1], warmup='constant',
        warmup_iters=2, warmup_ratio=0.95,
    )  # fmt: skip
    # step momentum: gamma defaults to 0.5 (mmcv StepMomentumUpdaterHook); epoch = i // 5.
    assert values[0] == pytest.approx((0.9 / 0.95, 0.99))
    assert values[2] == pytest.approx((0.9, 0.99))
    assert values[5] == pytest.approx((0.45, 0.99))


def test_optimizer_without_momentum_is_rejected():
    optimizer = torch.optim.Adadelta([torch.nn.Parameter(torch.zeros(1))])
    with pytest.raises(ValueError, match='has neither momentum nor betas; remove momentum_config'):
        LegacyMomentumScheduler(optimizer, policy='fixed', iters_per_epoch=1)
