"""ganlib.batch: parallel runs give the serial numbers, in order, and failures name their spec."""

import pytest
import torch

from ganlib.batch import RunFailed, run_batch
from ganlib.runs import MixtureRun, run_mixture


def noisy_sum(seed):
    """A module-level function (workers import it by name) whose result depends on torch's RNG."""
    if seed < 0:
        raise ValueError("negative seed")
    torch.manual_seed(seed)
    return float(torch.randn(1000).sum()), torch.get_num_threads()


def test_serial_run_keeps_order_and_uses_one_thread():
    before = torch.get_num_threads()
    results = run_batch(noisy_sum, [3, 1, 2], workers=1)
    assert [r[0] for r in results] == [noisy_sum(s)[0] for s in (3, 1, 2)]
    assert {r[1] for r in results} == {1} and torch.get_num_threads() == before


@pytest.mark.slow
def test_parallel_runs_match_serial_runs_exactly():
    specs = [
        MixtureRun(loss=loss, seed=s, steps=60, evals=2, n_eval=200) for loss in ("rsgan", "minimax") for s in (0, 1)
    ]
    parallel = run_batch(run_mixture, specs, workers=2)
    serial = run_batch(run_mixture, specs, workers=1)
    for p, s, spec in zip(parallel, serial, specs):
        assert p["spec"]["loss"] == spec.loss and p["spec"]["seed"] == spec.seed
        assert (p["samples"] == s["samples"]).all() and (p["hq"] == s["hq"]).all()


def test_a_failing_run_names_its_spec():
    with pytest.raises(RunFailed, match=r"run -1 failed: ValueError: negative seed"):
        run_batch(noisy_sum, [0, -1], workers=1)


@pytest.mark.slow
def test_a_failing_run_in_a_worker_names_its_spec_and_the_pool_survives():
    with pytest.raises(RunFailed, match=r"run -1 failed: ValueError: negative seed"):
        run_batch(noisy_sum, [0, -1, 2], workers=2)
    assert [r[0] for r in run_batch(noisy_sum, [5, 6], workers=2)] == [noisy_sum(5)[0], noisy_sum(6)[0]]


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_batch(noisy_sum, [1], workers=0)
    with pytest.raises(ValueError, match="module-level fn and picklable specs"):
        run_batch(lambda s: s, [1, 2], workers=2)
    assert run_batch(noisy_sum, [], workers=2) == []
