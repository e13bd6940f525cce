"""Judging a claim over seeds: bootstrap intervals, a rank test, and a rule stated before the run.

The book judges claims such as "RSGAN is steadier than SGAN" on a few seeds (3 to 10), where a
single run or a bare mean misleads. So every judgement carries its effect with an interval and
its number of seeds, and may end NOT DECIDED (Henderson et al., 2018, "Deep Reinforcement
Learning that Matters": bootstrap intervals and significance tests over seeds). "Steadier" is
judged on the spread of final scores (statistic ``"std"``, lower is better), not only on means
(Lucic et al., 2018, "Are GANs Created Equal?": compare distributions of scores over seeds and
hyper-parameters): pass each loss's final scores over seeds and a small grid of settings as one
sample.

Pure functions on one number per seed (numpy and scipy only), deterministic under ``seed``:
:func:`bootstrap_interval` (a statistic of one sample), :func:`difference_interval` (candidate
minus baseline, independent or paired by seed), :func:`rank_test` (Mann-Whitney U with Cliff's
delta), and :class:`Rule`, the one decision rule every chapter uses: print it before the
experiment, then ``rule.judge(candidate, baseline)`` gives a :class:`Judgement` that
``ganlib.results.verdict(name, judgement=...)`` records.

Why an expanded percentile interval rather than BCa: with 3-10 values the bootstrap's spread of a
mean is only sqrt((n - 1) / n) of the standard error and its tails are normal where Student's t
with n - 1 degrees of freedom is wider, so the plain 95% percentile interval covers about 88% at
n = 5 (pinned in tests/test_stats.py). BCa corrects bias and skew, not this narrowness, and its
acceleration is a jackknife of 3-10 values, itself noise. Hesterberg (2015, "What teachers should
know about the bootstrap", sec. 5) widens the percentiles instead (:func:`expanded_level`); the
interval stays inside the bootstrap distribution, so it works for any statistic, with the
widening derived for the mean.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from .results import DOES_NOT_HOLD, HOLDS, NOT_DECIDED, format_effect

__all__ = [
    "STATISTICS",
    "TESTS",
    "MIN_SEEDS",
    "MIN_DRAWS",
    "as_sample",
    "expanded_level",
    "can_decide",
    "fewest_seeds",
    "bootstrap_interval",
    "difference_interval",
    "cliffs_delta",
    "rank_test",
    "RankTest",
    "Rule",
    "Judgement",
]

MIN_SEEDS = 2  # values per sample: a bootstrap of one value cannot vary, and a spread needs two
MIN_DRAWS = 1000  # bootstrap draws: the expanded interval reads percentiles as far out as 0.1% at n = 5


def _mean(x):
    """Mean over the last axis (one row per bootstrap draw)."""
    return np.mean(x, axis=-1)


def _median(x):
    """Median over the last axis."""
    return np.median(x, axis=-1)


def _std(x):
    """Sample standard deviation (ddof = 1) over the last axis: the spread over seeds; lower is steadier."""
    return np.std(x, axis=-1, ddof=1)


STATISTICS = {"mean": _mean, "median": _median, "std": _std}
TESTS = ("bootstrap", "rank")
_ALTERNATIVES = ("two-sided", "greater", "less")


def _one_of(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; one of {', '.join(map(str, choices))}")
    return value


def _check_level(level):
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a number strictly between 0 and 1 (say 0.95), got {level!r}")
    return float(level)


def _check_draws(n_boot):
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < MIN_DRAWS:
        raise ValueError(f"n_boot must be an int of at least {MIN_DRAWS}, got {n_boot!r}")
    return int(n_boot)


def as_sample(values, what="sample", min_n=MIN_SEEDS):
    """``values`` as a 1-D float array of one finite number per seed, or a ValueError that says what is wrong."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numbers, one per seed ({exc})") from None
    if x.ndim != 1:
        raise ValueError(f"{what} must be one number per seed (a 1-D sequence), got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{what} is empty; at least {min_n} values (seeds) are needed")
    bad = int(np.count_nonzero(~np.isfinite(x)))
    if bad:
        raise ValueError(
            f"{what} has {bad} non-finite value(s) (nan or inf) among {x.size}; a diverged seed is a result: "
            "score it, or drop it and say so, before judging"
        )
    if x.size < min_n:
        raise ValueError(
            f"{what} has {x.size} value(s); a bootstrap interval or a rank test needs at least {min_n} per sample"
        )
    return x


def expanded_level(level, n):
    """The percentile level at which a bootstrap interval from ``n`` values covers about ``level``.

    Hesterberg's expansion: alpha' / 2 = Phi(-sqrt(n / (n - 1)) t_{alpha/2, n-1}) with alpha = 1 - level,
    which widens the bootstrap's sqrt((n - 1) / n) spread back to the standard error and its normal
    tails to Student's t. At level 0.95: 0.998 for n = 5, 0.983 for n = 10; for n <= 3 the interval
    spans the extreme draws.
    """
    t = sps.t.ppf((1 + level) / 2, n - 1)
    return float(2 * sps.norm.cdf(t * math.sqrt(n / (n - 1))) - 1)


def can_decide(n, level=0.95, paired=False):
    """Whether seeds this few can decide at ``level``: ``n`` is (candidate, baseline) or (sample,).

    With candidate and baseline alike, the most extreme way the seeds can fall (every candidate
    seed ahead of every baseline seed) has probability 1 / C(n1 + n2, n1); for one sample, or
    paired seeds, every value on one side has 2^-n. No test over these seeds can claim an error
    below that, and the bootstrap says HOLDS whenever it happens: for 3 vs 3 seeds 1 / 20 = 5%,
    twice the (1 - level) / 2 = 2.5% a 95% interval promises. So a rule asks for 1 / that count
    to be below (1 - level) / 2, the two-sided test's own condition p < 1 - level.
    """
    ways = 2 ** n[0] if paired or len(n) == 1 else math.comb(n[0] + n[1], n[0])
    return ways > 2 / (1 - level)


def fewest_seeds(level=0.95, paired=False, one_sample=False):
    """The fewest seeds a group (groups equal) that :func:`can_decide` at ``level``; 0.95: 4, or 6 paired or alone."""
    n = 2
    while not can_decide((n,) if one_sample else (n, n), level, paired):
        n += 1
    return n


def _percentiles(draws, level):
    """The central ``level`` interval of the bootstrap draws, as floats."""
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def bootstrap_interval(sample, statistic="mean", level=0.95, n_boot=10_000, seed=0, expand=True):
    """``(estimate, (lo, hi))``: ``statistic`` of ``sample`` and its bootstrap percentile interval.

    Each of ``n_boot`` draws resamples the n values with replacement; the interval is the central
    ``level`` share of the draws' statistic, widened for small n by :func:`expanded_level` unless
    ``expand`` is False (the plain percentile interval).
    """
    stat = STATISTICS[_one_of("statistic", statistic, STATISTICS)]
    level, n_boot = _check_level(level), _check_draws(n_boot)
    x = as_sample(sample)
    rng = np.random.default_rng(seed)
    draws = stat(x[rng.integers(0, x.size, size=(n_boot, x.size))])  # (n_boot,)
    return float(stat(x)), _percentiles(draws, expanded_level(level, x.size) if expand else level)


def difference_interval(
    candidate, baseline, statistic="mean", paired=False, level=0.95, n_boot=10_000, seed=0, expand=True
):
    """``(estimate, (lo, hi))`` of statistic(candidate) - statistic(baseline), by the bootstrap.

    Independent samples are resampled apart. ``paired=True`` is for samples that share seeds
    (value i of each comes from seed i): the seeds are resampled together, so what a seed does
    to both cancels. The expansion (:func:`expanded_level`) uses the smaller sample's n, the
    conservative choice when the two spreads differ (Welch's lower bound on the degrees of freedom).
    """
    stat = STATISTICS[_one_of("statistic", statistic, STATISTICS)]
    level, n_boot = _check_level(level), _check_draws(n_boot)
    c, b = as_sample(candidate, "candidate"), as_sample(baseline, "baseline")
    if paired and c.size != b.size:
        raise ValueError(f"paired samples need one value per shared seed: candidate has {c.size}, baseline {b.size}")
    rng = np.random.default_rng(seed)
    c_idx = rng.integers(0, c.size, size=(n_boot, c.size))
    b_idx = c_idx if paired else rng.integers(0, b.size, size=(n_boot, b.size))
    draws = stat(c[c_idx]) - stat(b[b_idx])  # (n_boot,)
    n = min(c.size, b.size)
    return float(stat(c) - stat(b)), _percentiles(draws, expanded_level(level, n) if expand else level)


def cliffs_delta(candidate, baseline):
    """Cliff's delta, P(c > b) - P(c < b) over all pairs: in [-1, 1], 0 when neither tends higher.

    The rank test's effect size; the probability of superiority P(c > b) + P(c = b) / 2 is (1 + delta) / 2.
    """
    c, b = as_sample(candidate, "candidate", 1), as_sample(baseline, "baseline", 1)
    return float(np.mean(np.sign(c[:, None] - b[None, :])))


def _deltas(c, b):
    """Cliff's delta of each row pair of ``c`` (draws, n1) and ``b`` (draws, n2), from ranks: 2 U / (n1 n2) - 1."""
    n1, n2 = c.shape[-1], b.shape[-1]
    ranks = sps.rankdata(np.concatenate([c, b], axis=-1), axis=-1)  # ties share their mean rank
    u = ranks[..., :n1].sum(axis=-1) - n1 * (n1 + 1) / 2
    return 2 * u / (n1 * n2) - 1


@dataclass(frozen=True)
class RankTest:
    """The outcome of :func:`rank_test`."""

    u: float  # Mann-Whitney U of the candidate: the pairs it wins, ties counting one half
    p_value: float
    delta: float  # Cliff's delta, positive when the candidate tends higher
    interval: tuple[float, float]  # bootstrap interval of delta (expanded percentile)
    method: str  # "exact" (no ties) or "permutation" (ties: exact when small enough, else 20000 draws)


def rank_test(candidate, baseline, alternative="two-sided", level=0.95, n_boot=10_000, seed=0):
    """Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples, with Cliff's delta.

    ``alternative``: "two-sided", "greater" (the candidate tends higher) or "less". The p-value is
    exact: from the U distribution without ties, else from the permutation distribution of U
    (exact up to 20000 distinct splits of the seeds, else 20000 seeded draws); the normal
    approximation is poor for a few seeds. The interval of delta is a bootstrap, as in
    :func:`difference_interval`.
    """
    _one_of("alternative", alternative, _ALTERNATIVES)
    level, n_boot = _check_level(level), _check_draws(n_boot)
    c, b = as_sample(candidate, "candidate"), as_sample(baseline, "baseline")
    ties = np.unique(np.concatenate([c, b])).size < c.size + b.size
    method = sps.PermutationMethod(n_resamples=20_000, rng=seed) if ties else "exact"
    result = sps.mannwhitneyu(c, b, alternative=alternative, method=method)
    rng = np.random.default_rng(seed)
    draws = _deltas(c[rng.integers(0, c.size, (n_boot, c.size))], b[rng.integers(0, b.size, (n_boot, b.size))])
    interval = _percentiles(draws, expanded_level(level, min(c.size, b.size)))
    method_name = "permutation" if ties else "exact"
    return RankTest(float(result.statistic), float(result.pvalue), cliffs_delta(c, b), interval, method_name)


@dataclass(frozen=True)
class Judgement:
    """What a :class:`Rule` concluded from the seeds; ``ganlib.results.verdict(name, judgement=j)`` records it.

    ``str(j)`` is the evidence in one line: effect +0.12 [0.03, 0.2], bootstrap of mean difference, n=4 vs 4.
    """

    outcome: str  # "holds" | "does not hold" | "not decided"
    statistic: str  # what was compared, e.g. "mean of final HQ share"
    test: str  # how, e.g. "bootstrap of mean difference"
    n: tuple[int, ...]  # values per group: (candidate, baseline), or (sample,) against a threshold
    effect: float  # signed so that positive is better in the claim's direction
    interval: tuple[float, float]  # the effect's interval at ``level``
    level: float
    p_value: float | None  # the rank test's; None for a bootstrap
    rule: str  # the rule's text, as printed before the run
    note: str | None = None  # why the outcome is not what the numbers alone suggest (too few seeds)

    def undecided(self, reason, rule=None):
        """This judgement turned NOT DECIDED for ``reason`` (a condition of the rule the data do not meet), with
        ``rule`` as the rule's text if given; the effect and interval stay as measured."""
        note = reason if self.note is None else f"{self.note}; {reason}"
        return dataclasses.replace(self, outcome=NOT_DECIDED, note=note, rule=rule or self.rule)

    def __str__(self):
        n = " vs ".join(map(str, self.n))
        p = "" if self.p_value is None else f", p={self.p_value:.2g}"
        note = "" if self.note is None else f" ({self.note})"
        return f"effect {format_effect(self.effect, self.interval)}, {self.test}{p}, n={n}{note}"


@dataclass(frozen=True)
class Rule:
    """A claim's decision rule, fixed before the run: print it in the book, then :meth:`judge` the seeds.

    The effect is signed so that positive is better: with ``better="higher"`` it is
    statistic(candidate) - statistic(baseline), with ``"lower"`` the reverse; against a
    ``threshold`` it is statistic(sample) - threshold (or the reverse). Decision, at ``level``:

    - HOLDS when the effect's interval lies above 0 (a rank rule: the two-sided Mann-Whitney p is
      below 1 - level and Cliff's delta is positive);
    - DOES NOT HOLD when the interval lies below ``min_effect``: the data rule out an effect of the
      size that matters (with 0, the candidate is significantly worse). This wins over HOLDS when
      both are true: an effect shown to exist but shown to be too small. A rank rule with
      ``min_effect <= 0`` also needs p below 1 - level here, as for HOLDS;
    - NOT DECIDED otherwise: the seeds at this budget cannot tell; always so with fewer seeds than
      :func:`can_decide` asks (4 a group at 0.95; 6 for one sample or pairs), the judgement's note says so.

    The rank rule is two-sided so that, like the two-sided interval, it says HOLDS for no real
    effect at most (1 - level) / 2 of the time. ``min_effect`` is in the statistic's units for a
    bootstrap rule and in Cliff's delta (-1 to 1) for a rank rule.
    """

    measure: str  # what one seed scores, e.g. "final HQ share"
    better: str = "higher"  # "higher" | "lower": which way of the measure the claim calls better
    statistic: str | None = None  # bootstrap: mean (default) | median | std (spread: steadier claims, lower)
    test: str = "bootstrap"  # "bootstrap" (interval of the statistic's difference) | "rank" (Mann-Whitney U)
    threshold: float | None = None  # compare one sample with this constant instead of with a baseline
    paired: bool = False  # candidate and baseline share seeds: resample seeds together (bootstrap only)
    level: float = 0.95  # two-sided level of the interval; the rank test's p must be below 1 - level
    min_effect: float = 0.0  # smallest effect that matters; an interval wholly below it: DOES NOT HOLD
    n_boot: int = 10_000  # bootstrap draws: about 2 ms per judgement for 10 seeds
    seed: int = 0  # of the bootstrap, and of the permutation test when values tie

    def __post_init__(self):
        if not isinstance(self.measure, str) or not self.measure.strip():
            raise ValueError("measure must name what one seed scores, e.g. 'final HQ share'")
        _one_of("better", self.better, ("higher", "lower"))
        _one_of("test", self.test, TESTS)
        _check_level(self.level)
        _check_draws(self.n_boot)
        if not isinstance(self.min_effect, (int, float)) or not math.isfinite(self.min_effect):
            raise ValueError(f"min_effect must be a finite number, got {self.min_effect!r}")
        if self.threshold is not None and not (
            isinstance(self.threshold, (int, float)) and math.isfinite(self.threshold)
        ):
            raise ValueError(f"threshold must be a finite number or None, got {self.threshold!r}")
        if self.test == "rank":
            if self.statistic is not None:
                raise ValueError("a rank rule compares whole samples (Cliff's delta); leave statistic unset")
            if self.threshold is not None or self.paired:
                raise ValueError(
                    "the rank test compares two independent samples; use test='bootstrap' for a "
                    "threshold or for paired seeds"
                )
            if not -1 < self.min_effect < 1:
                raise ValueError(f"a rank rule's min_effect is a Cliff's delta, in (-1, 1); got {self.min_effect}")
        else:
            _one_of("statistic", self.statistic or "mean", STATISTICS)
            if self.paired and self.threshold is not None:
                raise ValueError("paired compares two samples seed by seed; a threshold rule has one sample")

    @property
    def compared(self):
        """What the effect is computed on, e.g. "mean of final HQ share" or "Cliff's delta of final HQ share"."""
        what = "Cliff's delta" if self.test == "rank" else (self.statistic or "mean")
        return f"{what} of {self.measure}"

    @property
    def text(self):
        """The rule in one sentence, for the book to print before the experiment."""
        pct, draws = f"{100 * self.level:g}%", f"{self.n_boot} bootstrap draws, seed {self.seed}"
        fewer = f", as always with fewer than {self._fewest} seeds"
        if self.test == "rank":
            alpha = f"{1 - self.level:.3g}"
            holds = (
                f"a two-sided Mann-Whitney U test of {self.measure} over seeds gives p < {alpha} with the candidate "
                f"ahead ({self.better} is better)"
            )
            small = (
                f"the {pct} bootstrap interval of Cliff's delta (> 0: candidate ahead) lies below {self.min_effect:g}"
            )
            fails = small if self.min_effect > 0 else f"p < {alpha} and {small}"
            return f"HOLDS if {holds}; DOES NOT HOLD if {fails}; otherwise NOT DECIDED{fewer} ({draws})."
        sign = 1 if self.better == "higher" else -1
        stat = self.statistic or "mean"
        if self.threshold is None:
            what = f"the candidate's {stat} of {self.measure} minus the baseline's"
            zero, limit = 0.0, sign * self.min_effect + 0.0  # + 0.0: no "-0" in the text
        else:
            what = f"the {stat} of {self.measure}"
            zero, limit = self.threshold, self.threshold + sign * self.min_effect
        above, below = ("above", "below") if sign > 0 else ("below", "above")
        kind = "paired bootstrap interval (seeds resampled together)" if self.paired else "bootstrap interval"
        return (
            f"HOLDS if the {pct} {kind} of {what} lies {above} {zero:g}, DOES NOT HOLD if it lies {below} {limit:g}, "
            f"otherwise NOT DECIDED{fewer} ({self.better} is better; {draws})."
        )

    def __str__(self):
        return self.text

    @property
    def _fewest(self):
        """The fewest seeds this rule can decide with, in words: "4 vs 4", "6 pairs of", or "6"."""
        n = fewest_seeds(self.level, self.paired, self.threshold is not None)
        return str(n) if self.threshold is not None else f"{n} pairs of" if self.paired else f"{n} vs {n}"

    def judge(self, candidate, baseline=None):
        """The :class:`Judgement` of ``candidate`` against ``baseline`` (a threshold rule takes one sample)."""
        if (self.threshold is None) != (baseline is not None):
            raise ValueError(
                "this rule compares with a threshold: judge(sample)"
                if self.threshold is not None
                else "this rule compares two groups: judge(candidate, baseline)"
            )
        sign = 1.0 if self.better == "higher" else -1.0
        stat = self.statistic or "mean"
        opts = {"level": self.level, "n_boot": self.n_boot, "seed": self.seed}
        c, p_value = as_sample(candidate, "candidate" if self.threshold is None else "sample"), None
        if self.test == "rank":
            b = as_sample(baseline, "baseline")
            r = rank_test(sign * c, sign * b, **opts)  # the sign makes "better" mean "higher" for the test
            effect, (lo, hi), p_value = r.delta, r.interval, r.p_value
            test, n = "Mann-Whitney U, two-sided", (c.size, b.size)
        else:
            if self.threshold is None:
                b = as_sample(baseline, "baseline")
                est, (lo, hi) = difference_interval(c, b, stat, self.paired, **opts)
                test, n = f"{'paired ' if self.paired else ''}bootstrap of {stat} difference", (c.size, b.size)
            else:
                est, (lo, hi) = bootstrap_interval(c, stat, **opts)
                est, lo, hi = est - self.threshold, lo - self.threshold, hi - self.threshold
                test, n = f"bootstrap of {stat} against {self.threshold:g}", (c.size,)
            effect = sign * est
            lo, hi = sorted((sign * lo, sign * hi))
        effect, lo, hi = effect + 0.0, lo + 0.0, hi + 0.0  # + 0.0: no "-0" when the sign flips a zero
        outcome, note = self._decide(effect, lo, hi, p_value), None
        if not can_decide(n, self.level, self.paired):
            outcome, note = NOT_DECIDED, f"too few seeds to decide at {100 * self.level:g}%: needs {self._fewest} seeds"
        return Judgement(
            outcome=outcome,
            statistic=self.compared,
            test=test,
            n=n,
            effect=float(effect),
            interval=(float(lo), float(hi)),
            level=self.level,
            p_value=p_value,
            rule=self.text,
            note=note,
        )

    def _decide(self, effect, lo, hi, p_value):
        """The outcome from the effect's interval (and, for a rank rule, the test's p-value)."""
        ruled_out = hi < self.min_effect  # the data rule out an effect of the size that matters
        if self.test == "rank":
            differ = p_value < 1 - self.level
            if ruled_out and (differ or self.min_effect > 0):
                return DOES_NOT_HOLD
            return HOLDS if differ and effect > 0 else NOT_DECIDED
        if ruled_out:
            return DOES_NOT_HOLD
        return HOLDS if lo > 0 else NOT_DECIDED
