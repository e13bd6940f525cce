"""ganlib.games: gradient play on V = g d, against the closed form of its spiral."""

import numpy as np
import pytest

from ganlib.games import bilinear_gradient_play


def test_simultaneous_steps_spiral_out_and_alternating_steps_stay_bounded():
    sim = bilinear_gradient_play(0.1, 200)
    radius = np.linalg.norm(sim, axis=1)
    assert sim.shape == (201, 2) and radius[-1] == pytest.approx(radius[0] * 1.01**100, rel=1e-9)
    alt = np.linalg.norm(bilinear_gradient_play(0.1, 2000, alternating=True), axis=1)
    assert 0.5 < alt.min() / alt[0] and alt.max() / alt[0] < 2
    assert bilinear_gradient_play(0.5, 1, start=(1.0, 2.0), alternating=True)[1].tolist() == [0.0, 2.0]
    with pytest.raises(ValueError, match="eta > 0"):
        bilinear_gradient_play(0.0, 5)
