"""ganlib.realism: the relativistic reading of a critic, per-window means and the slope of real on fake realism."""

import numpy as np
import pytest
import torch

from ganlib.realism import RealismProbe, realism_slope, window_means
from ganlib.train import Batch


def test_probe_reads_each_batch_against_the_other_batch_mean():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([-1.0, 0.0])
    out = RealismProbe().after_critic_step(Batch(1, None, None, None, None, None, real, fake, None), None)
    ra_real = torch.sigmoid(torch.tensor([1.5, 3.5])).mean()  # C(x_r) - mean C(x_f) = C + 0.5
    ra_fake = torch.sigmoid(torch.tensor([-3.0, -2.0])).mean()  # C(x_f) - mean C(x_r) = C - 2
    torch.testing.assert_close(out["ra_real"], ra_real)
    torch.testing.assert_close(out["ra_fake"], ra_fake)


def test_window_means_average_each_scoring_interval():
    column = np.array([1.0, 3.0, np.nan, 5.0, 7.0, 9.0])
    assert window_means(column, [2, 4, 6]).tolist() == [2.0, 5.0, 8.0]  # a NaN step (not computed) is skipped
    with pytest.raises(ValueError, match="must increase"):
        window_means(column, [4, 2])
    with pytest.raises(ValueError, match="within the 6 logged steps"):
        window_means(column, [3, 7])


def test_slope_is_zero_when_real_stays_and_minus_one_when_it_mirrors():
    fake = np.array([0.1, 0.2, 0.35, 0.5])
    assert realism_slope(np.full(4, 0.9), fake) == 0.0
    assert realism_slope(1 - fake, fake) == pytest.approx(-1.0)
    assert realism_slope(0.2 + 0.5 * fake, fake) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="never moved"):
        realism_slope(fake, np.full(4, 0.3))
    with pytest.raises(ValueError, match="at least 3 windows"):
        realism_slope(fake[:2], fake[:2])
    with pytest.raises(ValueError, match="finite"):
        realism_slope(np.array([0.1, np.nan, 0.2]), fake[:3])
