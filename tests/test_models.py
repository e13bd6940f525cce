import numpy as np
import pytest
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


def test_dcgan_shapes_and_guidelines():

    from ganlib.models import DCGANDiscriminator, DCGANGenerator, dcgan_guidelines

    G, D = DCGANGenerator(latent_dim=8, width=16), DCGANDiscriminator(width=16)
    x = G(torch.randn(4, 8))
    assert x.shape == (4, 1, 8, 8) and float(x.detach().abs().max()) <= 1.0  # tanh output
    assert D(x).shape == (4,)
    mnist = DCGANGenerator(latent_dim=8, width=16, start=7)(torch.randn(2, 8))
    assert mnist.shape == (2, 1, 28, 28)
    report = dcgan_guidelines(G, D)
    assert len(report) == 9 and all(report.values()), report


def test_dcgan_guidelines_catch_each_kind_of_violation():
    from torch import nn

    from ganlib.models import DCGANDiscriminator, DCGANGenerator, dcgan_guidelines, dcgan_init

    G, D = DCGANGenerator(latent_dim=8, width=16), DCGANDiscriminator(width=16)
    pooled = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.LeakyReLU(0.2), nn.MaxPool2d(2), nn.BatchNorm2d(16))
    normed_input = nn.Sequential(nn.BatchNorm2d(1), nn.Conv2d(1, 16, 4, 2, 1), nn.LeakyReLU(0.2))
    relu_d = nn.Sequential(nn.Conv2d(1, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.BatchNorm2d(16), nn.ReLU())
    failed = lambda g, d: {k for k, ok in dcgan_guidelines(g, d).items() if not ok}
    assert failed(G, relu_d) == {"LeakyReLU(0.2) in D, no ReLU", "weights drawn from N(0, 0.02)"}  # PyTorch's init
    for d in (pooled, normed_input, relu_d):
        d.apply(dcgan_init)
    assert failed(G, pooled) == {"no pooling layers", "D down-samples with stride-2 convolutions"}
    assert failed(G, normed_input) == {"no batch norm at D's input"}
    assert failed(G, relu_d) == {"LeakyReLU(0.2) in D, no ReLU"}
    G.blocks.append(nn.BatchNorm2d(1))  # batch norm after the tanh
    assert "no batch norm at G's output" in failed(G, D)


def test_dcgan_trains_on_digits():
    from ganlib.data import load_digits
    from ganlib.models import DCGANDiscriminator, DCGANGenerator
    from ganlib.train import TrainConfig, train_gan

    images, _ = load_digits()
    torch.manual_seed(0)
    G, D = DCGANGenerator(latent_dim=8, width=16), DCGANDiscriminator(width=16)
    h = train_gan(
        G, D, images, TrainConfig(steps=10, batch_size=32, lr_g=2e-4, lr_d=2e-4, beta1=0.5, beta2=0.999, log_every=5)
    )
    assert len(h.g_loss) == 10 and np.all(np.isfinite(h.g_loss)) and np.all(np.isfinite(h.d_loss))


def test_dcgan_critic_norms():
    import torch
    from torch import nn

    from ganlib.models import DCGANDiscriminator

    kinds = lambda D: {type(m) for m in D.modules()}
    assert nn.BatchNorm2d in kinds(DCGANDiscriminator(1, 8))
    layer, none = DCGANDiscriminator(1, 8, norm="layer"), DCGANDiscriminator(1, 8, norm="none")
    assert nn.GroupNorm in kinds(layer) and nn.BatchNorm2d not in kinds(layer)
    assert not kinds(none) & {nn.BatchNorm2d, nn.GroupNorm}
    # without batch norm a sample's score is its own: it does not change with the rest of the batch
    torch.manual_seed(0)
    x = torch.randn(6, 1, 8, 8)
    for D in (layer, none):
        assert torch.allclose(D(x)[:2], D(x[:2]), atol=1e-6)
    with pytest.raises(ValueError, match="unknown norm"):
        DCGANDiscriminator(1, 8, norm="spectral")


def test_each_dcgan_ablation_breaks_its_own_guidelines_only():
    from ganlib.models import DCGAN_ABLATIONS, DCGANDiscriminator, DCGANGenerator, dcgan_guidelines, dcgan_networks

    broken = {
        "": set(),
        "batch_norm": {"batch norm elsewhere in both"},
        "leaky_relu": {"LeakyReLU(0.2) in D, no ReLU"},
        "strided": {
            "no pooling layers",
            "D down-samples with stride-2 convolutions",
            "G up-samples with stride-2 transposed convolutions",
        },
        "init": {"weights drawn from N(0, 0.02)"},
    }
    assert set(broken) == set(DCGAN_ABLATIONS)
    count = lambda m: sum(p.numel() for p in m.parameters())
    torch.manual_seed(0)
    full = DCGANGenerator(8, 1, 16), DCGANDiscriminator(1, 16)
    for ablate, guidelines in broken.items():
        torch.manual_seed(0)
        G, D = dcgan_networks(8, 1, 16, ablate=ablate)
        assert {k for k, ok in dcgan_guidelines(G, D).items() if not ok} == guidelines, ablate
        x = G(torch.randn(4, 8))
        assert x.shape == (4, 1, 8, 8) and D(x).shape == (4,)
        if ablate != "batch_norm":  # pooling and resizing keep the 4x4 kernels: as many weights as the DCGAN
            assert (count(G), count(D)) == (count(full[0]), count(full[1])), ablate
    torch.manual_seed(0)
    G, D = dcgan_networks(8, 1, 16)  # no ablation: the very networks the classes build, weight for weight
    assert all(torch.equal(a, b) for a, b in zip(G.state_dict().values(), full[0].state_dict().values()))
    assert all(torch.equal(a, b) for a, b in zip(D.state_dict().values(), full[1].state_dict().values()))


def test_dcgan_ablations_refuse_unknown_choices():
    from ganlib.models import DCGANDiscriminator, DCGANGenerator, dcgan_networks

    with pytest.raises(ValueError, match="unknown ablate 'dropout'"):
        dcgan_networks(ablate="dropout")
    with pytest.raises(ValueError, match="batch_norm ablation removes D's batch norm"):
        dcgan_networks(norm="layer", ablate="batch_norm")
    with pytest.raises(ValueError, match="unknown upsample 'bilinear'"):
        DCGANGenerator(upsample="bilinear")
    with pytest.raises(ValueError, match="unknown activation 'elu'"):
        DCGANDiscriminator(activation="elu")
