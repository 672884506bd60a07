import math

import numpy as np
import pytest

from mmfewshot.classification.core.evaluation.confidence_interval import (
    Z_SCORE,
    mean_confidence_interval,
    summarize_task_results,
    z_score,
)


def test_z_score_table_has_the_documented_levels() -> None:
    assert Z_SCORE == {0.5: 0.674, 0.8: 1.282, 0.9: 1.645, 0.95: 1.96, 0.98: 2.326, 0.99: 2.576}
    assert z_score(0.95) == 1.96
    with pytest.raises(KeyError, match=r'confidence_interval=0.97 is not supported'):
        z_score(0.97)


def test_mean_confidence_interval_uses_population_std() -> None:
    # mean 75; deviations 15, 5, 5, 15 -> population variance 125.
    mean, half = mean_confidence_interval([60.0, 80.0, 70.0, 90.0])
    assert mean == 75.0
    assert half == pytest.approx(1.96 * math.sqrt(125.0) / 2.0)
    # Not the sample (ddof=1) standard deviation.
    assert half != pytest.approx(1.96 * math.sqrt(500.0 / 3.0) / 2.0)
    _, half_99 = mean_confidence_interval([60.0, 80.0, 70.0, 90.0], 0.99)
    assert half_99 == pytest.approx(2.576 * math.sqrt(125.0) / 2.0)


def test_mean_confidence_interval_of_arrays_is_elementwise() -> None:
    mean, half = mean_confidence_interval([np.array([1.0, 10.0]), np.array([3.0, 10.0])])
    np.testing.assert_allclose(mean, [2.0, 10.0])
    np.testing.assert_allclose(half, [1.96 * 1.0 / math.sqrt(2.0), 0.0])


def test_mean_confidence_interval_rejects_no_tasks() -> None:
    with pytest.raises(ValueError, match='at least one task'):
        mean_confidence_interval([])


def test_summarize_task_results_keys_and_values() -> None:
    tasks = [
        dict(accuracy=40.0, task_id=0, precision=50.0),
        dict(accuracy=60.0, task_id=1, precision=50.0),
    ]
    summary = summarize_task_results(tasks)
    assert list(summary) == ['accuracy_mean', 'accuracy_std', 'precision_mean', 'precision_std']
    assert summary['accuracy_mean'] == 50.0
    assert summary['accuracy_std'] == pytest.approx(1.96 * 10.0 / math.sqrt(2.0))
    assert summary['precision_std'] == 0.0
    with pytest.raises(ValueError, match='at least one task'):
        summarize_task_results([])
