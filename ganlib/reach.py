"""Time to quality: the first scoring at which a run's score reaches a target, for claims about speed.

Comparing final scores of runs whose curves are still moving compares how fast they train, not where
they end; a claim about speed should say so and measure it. :func:`steps_to_reach` gives the first
scored step at which a series (``"fd"`` of a digits run, say) is at or past ``target``. A run that never
gets there within its budget is *censored*: it gets the step one scoring interval past its last
scoring, later than any step a run reached, which a rank test
(:func:`ganlib.stats.rank_test`, ties allowed) orders correctly without pretending to know when it
would have arrived.
"""

from __future__ import annotations

import numpy as np

__all__ = ["steps_to_reach"]


def steps_to_reach(run, key, target, below=True):
    """``(step, reached)``: the first scored step at which ``run[key]`` is <= ``target`` (``below``) or >= it.

    A run that never reaches it gets the step one scoring interval after its last scoring and ``reached``
    False (censored). ``run`` has ``"step"`` (scored steps) and the series ``key`` of the same length.
    """
    steps, values = np.asarray(run["step"], dtype=float), np.asarray(run[key], dtype=float)
    if steps.ndim != 1 or steps.shape != values.shape or len(steps) == 0:
        raise ValueError(f"run[{key!r}] must be one value per scored step; got {values.shape} for {steps.shape} steps")
    hit = values <= target if below else values >= target
    if hit.any():
        return float(steps[np.argmax(hit)]), True
    interval = steps[-1] - steps[-2] if len(steps) > 1 else steps[-1]
    return float(steps[-1] + interval), False
