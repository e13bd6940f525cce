"""ganlib.stages: training in stages on a 1-D problem, with the game read on a grid after each."""

from dataclasses import replace

import numpy as np
import torch

from ganlib.data import Gaussian1D
from ganlib.models import AffineGenerator, MLPDiscriminator
from ganlib.stages import GameSnapshot, snapshot, train_in_stages
from ganlib.train import TrainConfig


def test_each_stage_moves_only_the_players_it_trains_and_is_snapshotted():
    data, x = Gaussian1D(2.0, 0.5), np.linspace(-4, 6, 201)
    torch.manual_seed(0)
    G, D = AffineGenerator(shift=0.0, scale=1.0), MLPDiscriminator(1, 16, 2)
    before = snapshot(G, D, data.pdf(x), x)
    base = TrainConfig(batch_size=64, loss="minimax", lr_g=0.05, lr_d=1e-2, log_every=10)
    stages = {"d only": replace(base, steps=30, g_steps=0), "g only": replace(base, steps=20, d_steps=0, seed=1)}
    snaps, histories = train_in_stages(G, D, data.sample, stages, x, data.pdf(x))
    d_only, g_only = snaps["d only"], snaps["g only"]
    assert isinstance(d_only, GameSnapshot) and list(snaps) == list(histories) == ["d only", "g only"]
    assert d_only.law == before.law and np.abs(d_only.d - before.d).max() > 0.01  # G held, D trained
    assert np.array_equal(g_only.d, d_only.d) and g_only.law.mean > before.law.mean  # D held, G moved towards 2
    np.testing.assert_allclose(g_only.d_star, data.pdf(x) / (data.pdf(x) + g_only.law.pdf(x)))
    steps, means = histories["g only"].metric("mean")
    assert list(steps) == [10, 20] and means[-1] == g_only.law.mean
