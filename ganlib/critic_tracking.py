"""Does a critic's loss follow the distance it estimates? Rank correlations over training, and final W1.

The WGAN paper's third claim is that minus the critic's loss estimates W1 (up to the critic's
Lipschitz constant), so it follows sample quality over training, which a GAN discriminator's loss
does not. A :class:`ganlib.runs.MixtureRun` scored with ``w1_samples`` logs both at each scoring:
``critic`` (minus the critic's loss since the previous scoring) and ``w1`` (POT's exact W1 between
samples). :func:`tracking_correlations` reads one Spearman correlation per run, leaving out the
first ``skip`` scorings: there the critic is still warming up (its estimate rises from 0 while W1
falls), which says nothing about tracking. :func:`with_final_w1` adds each run's last W1 as
``final_w1``, the key a :class:`ganlib.study.RunComparison` compares.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from .study import Study

__all__ = ["tracking_correlations", "with_final_w1"]


def tracking_correlations(runs, skip=1):
    """``np.array`` of Spearman(critic estimate, W1) per run over its scorings after the first ``skip``."""
    out = []
    for r in runs:
        critic, w1 = np.asarray(r["critic"], dtype=float), np.asarray(r["w1"], dtype=float)
        if len(w1) - skip < 3:
            raise ValueError(f"a run needs at least {skip + 3} scorings of W1 and the critic, got {len(w1)}")
        out.append(float(spearmanr(critic[skip:], w1[skip:])[0]))
    return np.array(out)


def with_final_w1(runs):
    """The runs as a :class:`Study` of copies with ``final_w1`` (the last W1 scoring; None when the run diverged)."""
    return Study([{**r, "final_w1": None if r.get("diverged") else float(r["w1"][-1])} for r in runs])
