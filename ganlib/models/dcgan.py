"""DCGAN generator and discriminator for small images (chapter 3), after Radford et al. (2016).

The guidelines: strided (transposed) convolutions instead of pooling; batch norm in both nets
except at G's output and D's input; ReLU in G with a tanh output; LeakyReLU(0.2) in D; weights
drawn from N(0, 0.02). Images are (B, channels, H, W) with H = W = start * 2**n_blocks: 8x8
digits use start=2, n_blocks=2; 28x28 MNIST would use start=7, n_blocks=2.

Each guideline can be switched off on its own (:data:`DCGAN_ABLATIONS`, :func:`dcgan_networks`), so
that chapter 3 can test them one at a time against the full DCGAN; the defaults are the DCGAN.
"""

from __future__ import annotations

from torch import nn

__all__ = [
    "DCGANGenerator",
    "DCGANDiscriminator",
    "dcgan_init",
    "dcgan_guidelines",
    "DCGAN_ABLATIONS",
    "dcgan_networks",
]

DCGAN_ABLATIONS = {
    "": "the full DCGAN",
    "batch_norm": "no batch norm in G or D",
    "leaky_relu": "ReLU instead of LeakyReLU(0.2) in D",
    "strided": "max-pooling in D and nearest-neighbour up-sampling in G instead of strided convolutions",
    "init": "PyTorch's default initialisation instead of N(0, 0.02)",
}
"""The guideline each ablation removes (its key) and what replaces it; ``""`` removes none."""

INITS = ("dcgan", "default")
_NORM_LAYERS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm, nn.InstanceNorm2d)


def dcgan_init(module):
    """N(0, 0.02) weights for (transposed) convolutions and linears; N(1, 0.02) for batch norm."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def _choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(map(repr, choices))}")


def _same_conv(c_in, c_out, bias):
    """A 4x4 convolution of stride 1 that keeps H and W (padding 1 before, 2 after: a 4x4 kernel has no centre)."""
    return [nn.ZeroPad2d((1, 2, 1, 2)), nn.Conv2d(c_in, c_out, 4, 1, 0, bias=bias)]


def _up(c_in, c_out, upsample, bias):
    """Double H and W: a stride-2 transposed convolution (DCGAN), or nearest-neighbour up-sampling, then a conv."""
    if upsample == "strided":
        return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias)]
    return [nn.Upsample(scale_factor=2, mode="nearest"), *_same_conv(c_in, c_out, bias)]


class DCGANGenerator(nn.Module):
    """z (B, latent_dim) -> image (B, channels, H, W) in [-1, 1].

    ``batch_norm=False`` drops every batch norm, ``upsample="resize"`` replaces each strided transposed
    convolution by nearest-neighbour up-sampling and a 4x4 convolution of stride 1 (as many weights),
    ``init="default"`` keeps PyTorch's initialisation: the ablations of chapter 3.
    """

    def __init__(self, latent_dim=32, channels=1, width=64, start=2, n_blocks=2, *, batch_norm=True,
                 upsample="strided", init="dcgan"):  # fmt: skip
        super().__init__()
        _choice("upsample", upsample, ("strided", "resize"))
        _choice("init", init, INITS)
        self.latent_dim, self.start = latent_dim, start
        top = width * 2 ** (n_blocks - 1)  # channels at the smallest resolution
        bn1 = [nn.BatchNorm1d(top * start * start)] if batch_norm else []
        self.project = nn.Sequential(nn.Linear(latent_dim, top * start * start, bias=not batch_norm), *bn1, nn.ReLU())
        blocks, c = [], top
        for _ in range(n_blocks - 1):  # each doubles H and W and halves the channels
            blocks += _up(c, c // 2, upsample, bias=not batch_norm)
            blocks += [nn.BatchNorm2d(c // 2)] if batch_norm else []
            blocks.append(nn.ReLU())
            c //= 2
        blocks += [*_up(c, channels, upsample, bias=True), nn.Tanh()]  # no batch norm at the output
        self.blocks = nn.Sequential(*blocks)
        if init == "dcgan":
            self.apply(dcgan_init)

    def forward(self, z):  # (B, latent_dim) -> (B, channels, start * 2**n_blocks, ...)
        h = self.project(z)
        return self.blocks(h.view(len(z), -1, self.start, self.start))


class DCGANDiscriminator(nn.Module):
    """image (B, channels, H, W) -> logit (B,).

    ``norm`` is ``"batch"`` (DCGAN), ``"layer"`` (layer norm over each sample's channels and
    pixels, WGAN-GP's advice) or ``"none"``. A gradient penalty needs a critic without batch norm:
    batch norm makes each output depend on the whole batch, so the penalised gradient per sample
    is no longer that sample's own. The ablations of chapter 3: ``activation="relu"`` in place of
    LeakyReLU(0.2), ``downsample="pool"`` (a 4x4 convolution of stride 1, then 2x2 max-pooling, in
    place of each stride-2 convolution: as many weights) and ``init="default"``.
    """

    NORMS = {"batch": nn.BatchNorm2d, "layer": lambda c: nn.GroupNorm(1, c), "none": None}

    def __init__(self, channels=1, width=64, start=2, n_blocks=2, norm="batch", *, activation="leaky",
                 downsample="strided", init="dcgan"):  # fmt: skip
        super().__init__()
        if norm not in self.NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose one of: {', '.join(self.NORMS)}")
        _choice("activation", activation, ("leaky", "relu"))
        _choice("downsample", downsample, ("strided", "pool"))
        _choice("init", init, INITS)
        act = (lambda: nn.LeakyReLU(0.2)) if activation == "leaky" else nn.ReLU

        def down(c_in, c_out, bias):  # halve H and W
            if downsample == "strided":
                return [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=bias)]
            return [*_same_conv(c_in, c_out, bias), nn.MaxPool2d(2)]

        layers, c = [*down(channels, width, True), act()], width  # no batch norm at the input
        for _ in range(n_blocks - 1):
            make_norm = self.NORMS[norm]
            layers += down(c, c * 2, bias=make_norm is None)
            layers += [make_norm(c * 2)] if make_norm else []
            layers.append(act())
            c *= 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c * start * start, 1)
        if init == "dcgan":
            self.apply(dcgan_init)

    def forward(self, x):  # (B, C, H, W) -> (B,)
        return self.head(self.features(x).flatten(1)).squeeze(-1)


def dcgan_networks(latent_dim=32, channels=1, width=32, norm="batch", ablate=""):
    """``(G, D)``: the DCGAN pair, or the pair without one guideline (``ablate``, a key of :data:`DCGAN_ABLATIONS`).

    ``norm`` is the discriminator's normalisation (:class:`DCGANDiscriminator`); the ``"batch_norm"``
    ablation removes batch norm from both networks and needs ``norm="batch"`` to start from.
    """
    _choice("ablate", ablate, tuple(DCGAN_ABLATIONS))
    if ablate == "batch_norm" and norm != "batch":
        raise ValueError(f"the batch_norm ablation removes D's batch norm, but this D has norm={norm!r}")
    init = "default" if ablate == "init" else "dcgan"
    G = DCGANGenerator(latent_dim, channels, width, batch_norm=ablate != "batch_norm",
                       upsample="resize" if ablate == "strided" else "strided", init=init)  # fmt: skip
    D = DCGANDiscriminator(channels, width, norm="none" if ablate == "batch_norm" else norm,
                           activation="relu" if ablate == "leaky_relu" else "leaky",
                           downsample="pool" if ablate == "strided" else "strided", init=init)  # fmt: skip
    return G, D


def _dcgan_initialised(module, rel=0.2):
    """Whether every convolution and linear weight of ``module`` has a std within ``rel`` of 0.02 and a mean near 0.

    Meaningful only before training: what the DCGAN's N(0, 0.02) initialisation leaves.
    """
    weights = [m.weight.detach() for m in module.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    return bool(weights) and all(
        abs(float(w.std()) - 0.02) <= rel * 0.02 and abs(float(w.mean())) <= 0.02 for w in weights
    )


def dcgan_guidelines(G, D):
    """Which architectural guidelines of the DCGAN paper a generator and discriminator follow.

    Returns ``{guideline: bool}``, read from the modules themselves (any pair of image nets
    can be inspected, not only ours). G's last module must be a tanh right after a (transposed)
    convolution; D's first a convolution with no norm right after it. The initialisation is read from the
    weights, so call it on networks that have not been trained yet.
    """
    g_mods, d_mods = list(G.modules()), list(D.modules())
    layers = lambda mods: [m for m in mods if not list(m.children()) and not isinstance(m, nn.ZeroPad2d)]
    g_leaves, d_leaves = layers(g_mods), layers(d_mods)
    has = lambda mods, kind: any(isinstance(m, kind) for m in mods)
    strided = lambda mods, kind: has(mods, kind) and all(m.stride == (2, 2) for m in mods if isinstance(m, kind))
    return {
        "no pooling layers": not has(g_mods + d_mods, (nn.MaxPool2d, nn.AvgPool2d)),
        "D down-samples with stride-2 convolutions": strided(d_mods, nn.Conv2d),
        "G up-samples with stride-2 transposed convolutions": strided(g_mods, nn.ConvTranspose2d)
        and not has(g_mods, nn.Upsample),
        "no batch norm at G's output": isinstance(g_leaves[-2], (nn.ConvTranspose2d, nn.Conv2d))
        and isinstance(g_leaves[-1], nn.Tanh),
        "no batch norm at D's input": isinstance(d_leaves[0], nn.Conv2d) and not isinstance(d_leaves[1], _NORM_LAYERS),
        "batch norm elsewhere in both": has(g_mods, (nn.BatchNorm1d, nn.BatchNorm2d)) and has(d_mods, nn.BatchNorm2d),
        "ReLU in G, tanh at its output": has(g_mods, nn.ReLU) and not has(g_mods, nn.LeakyReLU),
        "LeakyReLU(0.2) in D, no ReLU": has(d_mods, nn.LeakyReLU)
        and not has(d_mods, nn.ReLU)
        and all(m.negative_slope == 0.2 for m in d_mods if isinstance(m, nn.LeakyReLU)),
        "weights drawn from N(0, 0.02)": _dcgan_initialised(G) and _dcgan_initialised(D),
    }
