import torch

from ganlib.models import AffineGenerator, MLPDiscriminator, MLPGenerator, mlp


def test_shapes():
    G, D = MLPGenerator(latent_dim=3, out_dim=2, hidden=16, depth=2), MLPDiscriminator(in_dim=2, hidden=16)
    x = G(torch.randn(5, 3))
    assert x.shape == (5, 2)
    assert D(x).shape == (5,)
    assert len([m for m in mlp(2, 1, depth=0) if isinstance(m, torch.nn.Linear)]) == 1


def test_affine_generator_law_is_exact():
    G = AffineGenerator(shift=2.0, scale=-0.5)
    law = G.distribution()
    assert (law.mean, law.std) == (2.0, 0.5)
    with torch.no_grad():
        x = G(torch.randn(200_000, 1, generator=torch.Generator().manual_seed(0)))
    assert abs(float(x.mean()) - 2.0) < 0.01 and abs(float(x.std()) - 0.5) < 0.01
