import pytest

from mmfewshot.engine.schedulers.policies import (
    annealing_cos,
    check_warmup,
    make_policy,
    normalize_policy,
    warmup_momentum,
    warmup_value,
)


def test_annealing_cos_endpoints_and_midpoint():
    assert annealing_cos(1.0, 0.0, 0.0) == pytest.approx(1.0)
    assert annealing_cos(1.0, 0.0, 1.0) == pytest.approx(0.0)
    assert annealing_cos(0.2, 0.0, 0.5) == pytest.approx(0.1)


def test_warmup_formulas_match_mmcv():
    # lr: linear v*(1-(1-i/W)(1-r)), exp v*r**(1-i/W), constant v*r
    assert warmup_value(0.5, 2, 'linear', 4, 0.2) == pytest.approx(0.5 * (1 - 0.5 * 0.8))
    assert warmup_value(0.5, 1, 'exp', 4, 0.1) == pytest.approx(0.5 * 0.1**0.75)
    assert warmup_value(0.5, 3, 'constant', 4, 0.1) == pytest.approx(0.05)
    # momentum warmup divides
    assert warmup_momentum(0.9, 2, 'linear', 4, 0.2) == pytest.approx(0.9 / (1 - 0.5 * 0.8))
    assert warmup_momentum(0.9, 0, 'constant', 4, 0.5) == pytest.approx(1.8)


def test_step_policy_with_list_int_and_min_lr():
    step = make_policy('step', step=[2, 5], gamma=0.5)
    assert [step(1.0, p, 10) for p in (0, 1, 2, 4, 5, 9)] == [1, 1, 0.5, 0.5, 0.25, 0.25]
    every3 = make_policy('step', step=3, gamma=0.1, min_lr=0.005)
    assert [every3(1.0, p, 10) for p in (2, 3, 6, 9)] == pytest.approx([1, 0.1, 0.01, 0.005])


def test_other_policies():
    assert make_policy('exp', gamma=0.9)(2.0, 3, 10) == pytest.approx(2.0 * 0.9**3)
    assert make_policy('poly', power=2.0, min_lr=0.1)(1.0, 5, 10) == pytest.approx(0.9 * 0.25 + 0.1)
    assert make_policy('inv', gamma=0.5, power=2)(1.0, 2, 10) == pytest.approx(1 / 4)
    cos = make_policy('CosineAnnealing', min_lr_ratio=0.1)
    assert cos(1.0, 5, 10) == pytest.approx(0.1 + 0.9 * 0.5)
    assert make_policy('fixed')(0.3, 7, 10) == 0.3


def test_cyclic_policy_phases_and_gamma():
    fn = make_policy(
        'cyclic', target_ratio=(10, 1e-4), cyclic_times=2, step_ratio_up=0.4, gamma=0.5
    )
    # max_iters 20 -> phase length 10, up phase 4 iterations
    assert fn(1.0, 0, 20) == pytest.approx(1.0)
    assert fn(1.0, 2, 20) == pytest.approx(annealing_cos(1.0, 10.0, 0.5))
    assert fn(1.0, 4, 20) == pytest.approx(10.0)
    assert fn(1.0, 7, 20) == pytest.approx(annealing_cos(10.0, 1e-4, 0.5))
    # second cycle: the peak is 1 - 0.5 + 10 * 0.5 = 5.5
    assert fn(1.0, 14, 20) == pytest.approx(5.5)
    linear = make_policy('cyclic', target_ratio=4.0, anneal_strategy='linear')
    assert linear(1.0, 2, 10) == pytest.approx(1 + 3 * 0.5)


def test_normalize_policy_title_cases_lowercase_names_only():
    assert normalize_policy('step') == 'Step'
    assert normalize_policy('CosineAnnealing') == 'CosineAnnealing'
    assert normalize_policy('cosineannealing') == 'Cosineannealing'


@pytest.mark.parametrize(
    ('policy', 'kwargs', 'error', 'match'),
    [
        ('nope', {}, ValueError, 'not supported'),
        ('CosineAnnealing', {}, ValueError, 'exactly one of min_lr and min_lr_ratio'),
        ('CosineAnnealing', dict(min_lr=0, min_lr_ratio=0.1), ValueError, 'exactly one'),
        ('step', dict(step=[0, 2]), ValueError, 'positive integers'),
        ('step', dict(step=2, bogus=1), TypeError, "bad arguments .*'Step'"),
        ('cyclic', dict(step_ratio_up=1.0), ValueError, r'step_ratio_up=1.0 must be in \[0, 1\)'),
        ('cyclic', dict(target_ratio=(1, 2, 3)), ValueError, 'tuple of 1 or 2'),
    ],
)
def test_make_policy_rejects_bad_arguments(policy, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_policy(policy, **kwargs)


@pytest.mark.parametrize(
    ('args', 'match'),
    [
        (('cos', 5, 0.1), 'warmup=.cos. is not supported'),
        (('linear', 0, 0.1), 'warmup_iters=0 must be a positive'),
        (('linear', 5, 0.0), r'warmup_ratio=0.0 must be in \(0, 1\]'),
    ],
)
def test_check_warmup_messages(args, match):
    with pytest.raises(ValueError, match=match):
        check_warmup(*args)
