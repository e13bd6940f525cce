"""Seeds trained together (ganlib.vectorised): per-copy gradients, the single run's law, no leaks, bad input."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from ganlib.losses import get_loss
from ganlib.penalties import GradientPenalty, R1Penalty, WeightClipping, gradient_penalty, r1_penalty
from ganlib.runs import MixtureRun, run_mixture
from ganlib.vectorised import (
    StackedMLP,
    per_copy,
    per_copy_gradient_penalty,
    per_copy_r1_penalty,
    run_seeds_together,
    train_seeds_together,
)

LOSS_NAMES = ["non_saturating", "minimax", "rsgan", "rasgan", "lsgan", "lsgan:-1-1-0", "ralsgan", "wgan"]
SEEDS = [0, 1, 2]


def small(**fields):
    return MixtureRun(dataset="ring", std=0.1, hidden=16, depth=2, steps=30, evals=2, n_eval=300, **fields)


def _copies(seeds=SEEDS, hidden=16, depth=2):
    """Single networks per seed (as run_mixture builds them) and their stacked forms."""
    Gs, Ds = [], []
    for s in seeds:
        torch.manual_seed(s)
        from ganlib.models import MLPDiscriminator, MLPGenerator

        Gs.append(MLPGenerator(2, 2, hidden, depth))
        Ds.append(MLPDiscriminator(2, hidden, depth))
    return Gs, Ds, StackedMLP([g.net for g in Gs]), StackedMLP([d.net for d in Ds], squeeze=True)


def _batches(S=3, B=32):  # one batch per copy of SEEDS
    gen = torch.Generator().manual_seed(123)
    return torch.randn(S, B, 2, generator=gen) * 2, torch.randn(S, B, 2, generator=gen)


def test_stacked_forward_is_each_copy():
    Gs, Ds, G, D = _copies()
    z, x = _batches()
    for k in range(len(SEEDS)):
        torch.testing.assert_close(G(z)[k], Gs[k](z[k]), rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(D(x)[k], Ds[k](x[k]), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_gradient_of_each_copy_is_the_single_models(name):
    """The gradient of copy k in the batched model = the gradient of an independent model, same weights and batch.

    The batched models minimise the SUM over copies of each copy's mean loss, as
    train_seeds_together does; with that, one optimiser over the stacked tensors is S optimisers.
    """
    loss = get_loss(name)
    Gs, Ds, G, D = _copies()
    x_real, z = _batches()
    # the critic's update
    d_losses = per_copy(loss.d_loss)(D(x_real), D(G(z).detach()))
    d_losses.sum().backward()
    for k in range(len(SEEDS)):
        d_single = loss.d_loss(Ds[k](x_real[k]), Ds[k](Gs[k](z[k]).detach()))
        torch.testing.assert_close(d_losses[k], d_single, rtol=1e-5, atol=1e-6)
        _assert_grads(D, k, torch.autograd.grad(d_single, list(Ds[k].parameters())))
    # the generator's update, through the critic (and its outputs on real samples when the loss reads them)
    g_losses = per_copy(loss.g_loss)(D(x_real) if loss.g_uses_real else None, D(G(z)))
    g_losses.sum().backward()
    for k in range(len(SEEDS)):
        g_single = loss.g_loss(Ds[k](x_real[k]) if loss.g_uses_real else None, Ds[k](Gs[k](z[k])))
        torch.testing.assert_close(g_losses[k], g_single, rtol=1e-5, atol=1e-6)
        _assert_grads(G, k, torch.autograd.grad(g_single, list(Gs[k].parameters())))


def _assert_grads(stacked, k, single_grads):
    # nn.Linear's (weight, bias) pairs, in order, against the stacked (W^T, b)
    for i, (w, b) in enumerate(zip(stacked.weights, stacked.biases)):
        for batched, single in ((w.grad, single_grads[2 * i]), (b.grad, single_grads[2 * i + 1])):
            if single is None:  # unused by the single model: unused (or zero) in the batched one
                assert batched is None or not batched[k].any()
                continue
            got = batched[k].t() if batched.ndim == 3 and batched is w.grad else batched[k].reshape(single.shape)
            torch.testing.assert_close(got, single, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kind", ["gp", "gp0", "r1"])
def test_penalty_per_copy_is_the_single_models(kind):
    """One autograd.grad on the summed critic output gives each copy its own penalty and its gradient."""
    Gs, Ds, G, D = _copies()
    x_real, x_fake = _batches()
    seeds = [5, 6, 7]
    if kind == "r1":
        terms = per_copy_r1_penalty(D, x_real)
    else:
        target = 1.0 if kind == "gp" else 0.0
        terms = per_copy_gradient_penalty(
            D, x_real, x_fake, [torch.Generator().manual_seed(s) for s in seeds], target=target
        )
    terms.sum().backward()
    for k in range(len(SEEDS)):
        if kind == "r1":
            single = r1_penalty(Ds[k], x_real[k])
        else:
            single = gradient_penalty(
                Ds[k], x_real[k], x_fake[k], generator=torch.Generator().manual_seed(seeds[k]), target=target
            )
        torch.testing.assert_close(terms[k], single, rtol=1e-5, atol=1e-6)
        # the last bias does not reach an input gradient: its gradient is None (zero) on both sides
        grads = torch.autograd.grad(single, list(Ds[k].parameters()), allow_unused=True)
        _assert_grads(D, k, grads)


def test_results_have_run_mixtures_keys():
    spec = small()
    together = train_seeds_together(spec, [0])
    single = run_mixture(spec)
    assert set(together[0]) == set(single)
    assert together[0]["spec"] == single["spec"]
    np.testing.assert_array_equal(together[0]["step"], single["step"])
    for key in ("p_real", "p_fake", "ra_real", "ra_fake"):  # the realism readings per scoring interval
        np.testing.assert_allclose(together[0][key], single[key], atol=1e-3)
    assert together[0]["missing_modes"] == single["missing_modes"]


@pytest.mark.parametrize(
    "fields",
    [
        {"loss": "non_saturating"},
        {"loss": "rasgan"},
        {"loss": "lsgan"},
        {"loss": "wgan", "penalties": (GradientPenalty(gp_weight=0.1),), "d_steps": 2, "w1_samples": 200},
        {"loss": "wgan", "penalties": (WeightClipping(0.05),), "optimizer": "rmsprop"},
        {"loss": "non_saturating", "penalties": (R1Penalty(gamma=1.0, interval=2),), "standardize": True},
    ],
    ids=["ns", "rasgan", "lsgan", "wgan-gp", "wgan-clip", "r1-lazy-std"],
)
def test_copy_k_follows_the_single_run_with_seed_k(fields):
    """Same weights, same data and latent streams: after a short run copy k's samples match run_mixture's.

    Not bit-equal (batched products round differently, and the critic sees real and fake
    samples in one call), but the float noise stays far below anything a metric could see over
    30 steps; the metrics themselves agree.
    """
    spec = small(**fields)
    seeds = [0, 1]
    together = train_seeds_together(spec, seeds)
    for k, seed in enumerate(seeds):
        single = run_mixture(replace(spec, seed=seed))
        # samples lie at radius ~2; Adam turns a rounding-level gradient into a step of up to lr (2e-3)
        # in either direction, so after 30 steps rounding shows at the 1e-3 level, never more
        np.testing.assert_allclose(together[k]["samples"], single["samples"], rtol=0, atol=1e-2)
        np.testing.assert_array_equal(together[k]["modes"], single["modes"])
        np.testing.assert_allclose(together[k]["hq"], single["hq"], atol=0.01)
        np.testing.assert_allclose(together[k]["w1"], single["w1"], rtol=1e-2, atol=1e-3)
        np.testing.assert_allclose(together[k]["critic"], single["critic"], rtol=1e-2, atol=1e-3)
        assert together[k]["diverged"] is None and single["diverged"] is None


def _perturb_copy(j, how):
    def perturb(G, D):
        for w in [*G.parameters(), *D.parameters()]:
            if how == "nan":
                w[j] = float("nan")
            else:
                w[j] += 0.3 * torch.randn_like(w[j])

    return perturb


@pytest.mark.parametrize("how", ["noise", "nan"])
def test_copies_do_not_leak(how):
    """Perturbing copy 1's weights (even to NaN) leaves copies 0 and 2 bit-identical; a NaN copy is marked diverged."""
    spec = small(loss="rasgan", penalties=(GradientPenalty(gp_weight=1.0, target=0.0),))
    base = train_seeds_together(spec, SEEDS)
    hit = train_seeds_together(spec, SEEDS, perturb=_perturb_copy(1, how))
    for k in (0, 2):
        np.testing.assert_array_equal(hit[k]["samples"], base[k]["samples"])
        np.testing.assert_array_equal(hit[k]["hq"], base[k]["hq"])
        assert hit[k]["diverged"] is None
    if how == "nan":
        assert hit[1]["diverged"] is not None and hit[1]["diverged"]["step"] == 1
        assert hit[1]["final_modes"] is None and hit[1]["final_hq"] is None
    else:
        assert not np.array_equal(hit[1]["samples"], base[1]["samples"])


def test_another_seed_beside_a_copy_changes_nothing_in_it():
    """Copy 0 and copy 2 do not see the data stream of their neighbour: seeds [0, 1, 2] vs [0, 9, 2]."""
    spec = small(loss="rsgan")
    a = train_seeds_together(spec, [0, 1, 2])
    b = train_seeds_together(spec, [0, 9, 2])
    for k in (0, 2):
        np.testing.assert_array_equal(a[k]["samples"], b[k]["samples"])


def test_groups_over_workers_give_the_same_runs():
    spec = small()
    whole = train_seeds_together(spec, [3, 4, 5])
    split = run_seeds_together(spec, [3, 4, 5], workers=1)
    for a, b in zip(whole, split):
        assert a["spec"] == b["spec"]
        np.testing.assert_array_equal(a["samples"], b["samples"])


def test_bad_input_gets_a_clear_error():
    spec = small()
    with pytest.raises(ValueError, match="at least one seed"):
        train_seeds_together(spec, [])
    with pytest.raises(ValueError, match="integers >= 0"):
        train_seeds_together(spec, [0, -1])
    with pytest.raises(ValueError, match="integers >= 0"):
        train_seeds_together(spec, [0.5])
    with pytest.raises(ValueError, match="unknown loss"):
        train_seeds_together(small(loss="no_such_loss"), [0])
    with pytest.raises(TypeError, match="MixtureRun"):
        train_seeds_together(object(), [0])
    with pytest.raises(ValueError, match="workers"):
        run_seeds_together(spec, [0], workers=0)
    with pytest.raises(ValueError, match="at least one seed"):
        run_seeds_together(spec, [])
    with pytest.raises(ValueError, match="architecture"):
        StackedMLP(
            [torch.nn.Sequential(torch.nn.Linear(2, 3)), torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())]
        )
