import numpy as np
import pytest

from mmfewshot.utils import local_numpy_seed


def test_local_numpy_seed_seeds_inside() -> None:
    expected = np.random.RandomState(42).rand(3)
    with local_numpy_seed(42):
        inside = np.random.rand(3)
    np.testing.assert_array_equal(inside, expected)


def test_local_numpy_seed_restores_outer_stream() -> None:
    np.random.seed(7)
    reference = np.random.RandomState(7).rand(4)
    first = np.random.rand(2)
    with local_numpy_seed(123):
        np.random.rand(10)
    second = np.random.rand(2)
    np.testing.assert_array_equal(np.concatenate([first, second]), reference)


def test_local_numpy_seed_restores_on_exception() -> None:
    np.random.seed(3)
    before = np.random.get_state()[1].copy()

    def draw_then_fail() -> None:
        with local_numpy_seed(5):
            np.random.rand(5)
            raise RuntimeError('boom')

    with pytest.raises(RuntimeError, match='boom'):
        draw_then_fail()
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    np.testing.assert_array_equal(np.random.rand(2), np.random.RandomState(3).rand(2))


def test_local_numpy_seed_none_does_not_reseed() -> None:
    np.random.seed(11)
    expected = np.random.RandomState(11).rand(2)
    with local_numpy_seed(None):
        inside = np.random.rand(2)
    np.testing.assert_array_equal(inside, expected)  # drawn from the current state
    np.testing.assert_array_equal(np.random.rand(2), expected)  # state restored on exit


def test_local_numpy_seed_nested() -> None:
    with local_numpy_seed(1):
        a = np.random.rand()
        with local_numpy_seed(2):
            b = np.random.rand()
        c = np.random.rand()
    ref1 = np.random.RandomState(1).rand(2)
    assert a == ref1[0]
    assert c == ref1[1]
    assert b == np.random.RandomState(2).rand()
