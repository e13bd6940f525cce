import gzip
import struct

import numpy as np
import pytest
import torch

from ganlib import data


def test_gaussian_mixture_density_and_moments():
    mix = data.GaussianMixture1D(means=(-2.0, 1.0), stds=(0.5, 1.0), weights=(1, 3))
    x = np.linspace(-12, 12, 24001)
    pdf = mix.pdf(x)
    assert np.trapezoid(pdf, x) == pytest.approx(1.0, abs=1e-9)
    assert np.trapezoid(x * pdf, x) == pytest.approx(mix.mean, abs=1e-9)
    assert np.sqrt(np.trapezoid((x - mix.mean) ** 2 * pdf, x)) == pytest.approx(mix.std, abs=1e-8)
    s = mix.sample(200_000, torch.Generator().manual_seed(0))
    assert s.shape == (200_000, 1)
    assert float(s.mean()) == pytest.approx(mix.mean, abs=0.02)


def test_samplers_are_reproducible():
    for sampler in (
        data.Gaussian1D(1, 2).sample,
        data.ring_mixture().sample,
        data.grid_mixture().sample,
        lambda n, g: data.swiss_roll(n, generator=g),
    ):
        a = sampler(64, torch.Generator().manual_seed(3))
        b = sampler(64, torch.Generator().manual_seed(3))
        assert torch.equal(a, b)


def test_2d_mixtures_geometry():
    ring, grid = data.ring_mixture(), data.grid_mixture()
    assert ring.n_modes == 8 and grid.n_modes == 25
    np.testing.assert_allclose(np.linalg.norm(np.array(ring.centers), axis=1), 2.0)
    assert sorted({c[0] for c in grid.centers}) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    x = ring.sample(1000, torch.Generator().manual_seed(0))
    nearest = torch.cdist(x, torch.tensor(ring.centers, dtype=torch.float32)).min(dim=1).values
    assert float(nearest.max()) < 6 * ring.std


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="std must be positive"):
        data.Gaussian1D(0, 0)
    with pytest.raises(ValueError, match="equal length"):
        data.GaussianMixture1D(means=(0, 1), stds=(1,))


def test_digits_scaled_to_unit_interval():
    images, labels = data.load_digits()
    assert images.shape == (1797, 1, 8, 8) and labels.shape == (1797,)
    assert float(images.min()) == -1.0 and float(images.max()) == 1.0


def _write_idx(path, array, code, compress=False):
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    raw = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)


def test_read_idx_round_trips_images_and_labels(tmp_path):
    images = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    _write_idx(tmp_path / "images.idx3-ubyte", images, 0x08)
    _write_idx(tmp_path / "labels.idx1-ubyte.gz", labels, 0x08, compress=True)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "images.idx3-ubyte"), images)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "labels.idx1-ubyte.gz"), labels)
    floats = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    _write_idx(tmp_path / "f.idx", floats, 0x0D)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "f.idx"), floats)


def test_read_idx_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no IDX file"):
        data.read_idx(tmp_path / "missing")
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x01\x05")
    with pytest.raises(ValueError, match="bad magic"):
        data.read_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 10) + b"\x00" * 3)
    with pytest.raises(ValueError, match="promises 10 bytes"):
        data.read_idx(short)
