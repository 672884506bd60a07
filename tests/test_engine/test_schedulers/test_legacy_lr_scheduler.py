"""LegacyLrScheduler against learning rates computed by hand from mmcv 1.x's formulas.

Every case uses base lr 0.1, 4 iterations per epoch, 5 epochs (20 iterations).
Notation of the expected values: ``e = i // 4`` is the epoch of iteration ``i``.
"""

import math

import pytest
import torch

from mmfewshot.engine.schedulers import LegacyLrScheduler

BASE, IPE, EPOCHS = 0.1, 4, 5
COS = math.cos
PI = math.pi


def lr_trace(n_iters=20, **cfg):
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=BASE)
    scheduler = LegacyLrScheduler(
        optimizer, iters_per_epoch=IPE, max_epochs=EPOCHS, max_iters=IPE * EPOCHS, **cfg
    )
    trace = []
    for _ in range(n_iters):
        trace.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    return trace


def linear_warm(v, i, w, r):
    return v * (1 - (1 - i / w) * (1 - r))


CASES = {
    # 1. fixed, by iteration, no warmup: always the base lr.
    'fixed_iter': (
        dict(policy='fixed', by_epoch=False),
        {0: 0.1, 7: 0.1, 19: 0.1},
    ),
    # 2. step [2, 4] by epoch, gamma 0.5, min_lr 0.02, linear warmup 6 iters ratio 0.2:
    #    regular = 0.1 * 0.5**k (k milestones <= e), floor 0.02; warmup on top for i < 6.
    'step_epoch_linear': (
        dict(policy='step', step=[2, 4], gamma=0.5, min_lr=0.02, warmup='linear',
             warmup_iters=6, warmup_ratio=0.2),
        {0: 0.1 * 0.2, 3: 0.1 * (1 - 0.5 * 0.8), 5: 0.1 * (1 - (1 / 6) * 0.8), 6: 0.1,
         8: 0.05, 16: 0.025, 19: 0.025},
    ),
    # 3. step every 3 iterations (int), by iteration, gamma 0.1, exp warmup 4 iters ratio 0.01:
    #    regular = 0.1 * 0.1**(i // 3); warmup: regular * 0.01**(1 - i/4).
    'step_iter_exp': (
        dict(policy='step', step=3, by_epoch=False, warmup='exp', warmup_iters=4,
             warmup_ratio=0.01),
        {0: 0.1 * 0.01, 2: 0.1 * 0.01**0.5, 3: 0.01 * 0.01**0.25, 4: 0.01, 6: 0.001},
    ),
    # 4. CosineAnnealing min_lr 0.01 by epoch, constant warmup 3 iters ratio 0.5:
    #    regular = 0.01 + 0.09 * (cos(pi * e / 5) + 1) / 2.
    'cosine_epoch_constant': (
        dict(policy='CosineAnnealing', min_lr=0.01, warmup='constant', warmup_iters=3,
             warmup_ratio=0.5),
        {0: 0.05, 2: 0.05, 3: 0.1, 4: 0.01 + 0.045 * (COS(PI / 5) + 1),
         13: 0.01 + 0.045 * (COS(3 * PI / 5) + 1), 19: 0.01 + 0.045 * (COS(4 * PI / 5) + 1)},
    ),
    # 5. CosineAnnealing min_lr_ratio 0.1 by iteration (20 iters), linear warmup 5 ratio 0.1:
    #    regular = 0.01 + 0.09 * (cos(pi * i / 20) + 1) / 2.
    'cosine_iter_linear': (
        dict(policy='CosineAnnealing', min_lr_ratio=0.1, by_epoch=False, warmup='linear',
             warmup_iters=5, warmup_ratio=0.1),
        {0: 0.01, 2: linear_warm(0.01 + 0.045 * (COS(PI / 10) + 1), 2, 5, 0.1),
         5: 0.01 + 0.045 * (COS(PI / 4) + 1), 10: 0.055,
         19: 0.01 + 0.045 * (COS(19 * PI / 20) + 1)},
    ),
    # 6. poly power 2, min_lr 0.001 by iteration: (0.1 - 0.001) * (1 - i/20)**2 + 0.001.
    'poly_iter': (
        dict(policy='poly', power=2.0, min_lr=0.001, by_epoch=False),
        {0: 0.1, 10: 0.099 * 0.25 + 0.001, 15: 0.099 * 0.0625 + 0.001},
    ),
    # 7. poly power 1 by epoch, warmup by epoch (1 epoch = 4 iters), linear ratio 0.5:
    #    regular = 0.1 * (1 - e / 5).
    'poly_epoch_warmup_by_epoch': (
        dict(policy='poly', power=1.0, warmup='linear', warmup_iters=1, warmup_by_epoch=True,
             warmup_ratio=0.5),
        {0: 0.05, 2: 0.1 * (1 - 0.5 * 0.5), 4: 0.08, 12: 0.04, 19: 0.02},
    ),
    # 8. exp gamma 0.5 by epoch: 0.1 * 0.5**e.
    'exp_epoch': (
        dict(policy='exp', gamma=0.5),
        {0: 0.1, 3: 0.1, 4: 0.05, 9: 0.025, 16: 0.1 / 16},
    ),
    # 9. inv gamma 1, power 1 by iteration: 0.1 / (1 + i).
    'inv_iter': (
        dict(policy='inv', gamma=1.0, power=1.0, by_epoch=False),
        {0: 0.1, 1: 0.05, 9: 0.01},
    ),
    # 10. cyclic (10, 1e-4), 2 cycles over 20 iterations (phase 10, up 4), linear warmup 2
    #     iters ratio 0.5: up: 0.1 -> 1.0 (cos), down: 1.0 -> 1e-5.
    'cyclic_iter_linear': (
        dict(policy='cyclic', by_epoch=False, target_ratio=(10, 1e-4), cyclic_times=2,
             step_ratio_up=0.4, warmup='linear', warmup_iters=2, warmup_ratio=0.5),
        {0: 0.05, 1: (0.55 - 0.45 * COS(PI / 4)) * 0.75, 2: 0.55, 4: 1.0,
         7: 1e-5 + (1.0 - 1e-5) * 0.5, 12: 0.55},
    ),
}  # fmt: skip


@pytest.mark.parametrize('name', sorted(CASES))
def test_lr_matches_hand_computed_mmcv_values(name):
    cfg, expected = CASES[name]
    trace = lr_trace(**cfg)
    for iteration, value in expected.items():
        assert trace[iteration] == pytest.approx(value, rel=1e-9, abs=1e-12), (name, iteration)


def test_state_dict_holds_counters_only_and_reapplies_current_schedule():
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=BASE)
    short = LegacyLrScheduler(optimizer, policy='poly', by_epoch=False, iters_per_epoch=4,
                              max_iters=10, max_epochs=3)  # fmt: skip
    for _ in range(4):
        optimizer.step()
        short.step()
    state = short.state_dict()
    assert state == {'last_step': 4, '_global_step': 4}
    # A longer run (max_iters 20) resumed from that state continues the 20-iteration schedule.
    longer = LegacyLrScheduler(optimizer, policy='poly', by_epoch=False, iters_per_epoch=4,
                               max_iters=20, max_epochs=5)  # fmt: skip
    longer.load_state_dict(state)
    assert optimizer.param_groups[0]['lr'] == pytest.approx(0.1 * (1 - 4 / 20))


@pytest.mark.parametrize(
    ('kwargs', 'match'),
    [
        (dict(policy='cyclic', by_epoch=True), 'only supports by_epoch=False'),
        (dict(policy='step', step=[2], iters_per_epoch=None), 'iters_per_epoch=None must be'),
        (dict(policy='poly', by_epoch=False, max_iters=0), 'max_iters=0 must be a positive'),
        (dict(policy='cyclic', by_epoch=False, cyclic_times=50), r'cyclic_times=50 must be in'),
    ],
)
def test_invalid_configs_raise_actionable_errors(kwargs, match):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE)
    args = dict(iters_per_epoch=4, max_iters=20, max_epochs=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        LegacyLrScheduler(optimizer, **args)
