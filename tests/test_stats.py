"""ganlib.stats: intervals and the rank test against SciPy and brute force, and rules that decide as they say."""

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from ganlib.stats import (
    Rule,
    bootstrap_interval,
    can_decide,
    cliffs_delta,
    difference_interval,
    expanded_level,
    fewest_seeds,
    rank_test,
)

RNG = np.random.default_rng(20260101)
BETTER = RNG.normal(1.0, 0.3, 5)  # a large real difference: 3 standard deviations
WORSE = RNG.normal(0.0, 0.3, 5)


# --- decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("test", ["bootstrap", "rank"])
def test_a_large_real_difference_holds_and_its_reverse_does_not(test):
    rule = Rule("final score", test=test)
    ahead, behind = rule.judge(BETTER, WORSE), rule.judge(WORSE, BETTER)
    assert (ahead.outcome, behind.outcome) == ("holds", "does not hold")
    assert ahead.n == (5, 5) and ahead.effect > 0 > behind.effect


@pytest.mark.parametrize("test", ["bootstrap", "rank"])
def test_lower_is_better_flips_the_effect_and_the_outcome(test):
    judged = Rule("final FD", better="lower", test=test).judge(WORSE, BETTER)
    assert judged.outcome == "holds" and judged.effect > 0 and judged.interval[0] >= 0


@pytest.mark.parametrize("test", ["bootstrap", "rank"])
def test_three_seeds_of_one_distribution_are_not_decided(test):
    rng = np.random.default_rng(3)
    outcomes = {Rule("score", test=test).judge(rng.normal(size=3), rng.normal(size=3)).outcome for _ in range(20)}
    assert outcomes == {"not decided"}


def test_seeds_too_few_to_reach_the_level_are_not_decided_however_clear_they_look():
    # 3 vs 3 seeds fall all on one side 1 time in 20 by chance: a bootstrap that says HOLDS then is wrong 5% of
    # the time, twice what a 95% interval promises
    judged = Rule("score").judge([2.0, 2.1, 2.2], [1.0, 1.1, 1.2])
    assert judged.interval[0] > 0 and judged.outcome == "not decided"
    assert judged.note == "too few seeds to decide at 95%: needs 4 vs 4 seeds"
    assert Rule("score").judge([2.0, 2.1, 2.2], [1.0, 1.1, 1.2, 1.3, 1.4]).outcome == "holds"  # 1 in 56
    assert Rule("ratio", threshold=1.0).judge([2.0, 2.1, 2.2, 2.3, 2.4]).note.endswith("needs 6 seeds")
    assert Rule("ratio", threshold=1.0, level=0.8).judge([2.0, 2.1, 2.2, 2.3, 2.4]).outcome == "holds"
    assert can_decide((4, 4)) and not can_decide((3, 4)) and not can_decide((5,)) and can_decide((6,))
    assert (fewest_seeds(), fewest_seeds(paired=True), fewest_seeds(0.99)) == (4, 6, 5)


@pytest.mark.parametrize("test", ["bootstrap", "rank"])
def test_alike_groups_of_five_seeds_are_rarely_decided(test):
    rng = np.random.default_rng(6)
    rule = Rule("score", test=test, n_boot=2000)
    outcomes = [rule.judge(rng.normal(size=5), rng.normal(size=5)).outcome for _ in range(300)]
    assert outcomes.count("not decided") / len(outcomes) >= 0.95  # each wrong side at most 2.5%, give or take


def test_steadier_is_judged_on_the_spread():
    rng = np.random.default_rng(4)
    steady, shaky = rng.normal(0.5, 0.02, 10), rng.normal(0.5, 0.3, 10)  # equal means, one spreads far more
    rule = Rule("final HQ share", better="lower", statistic="std")
    assert rule.judge(steady, shaky).outcome == "holds"
    assert rule.judge(shaky, steady).outcome == "does not hold"
    assert Rule("final HQ share").judge(steady, shaky).outcome == "not decided"  # the means cannot tell them apart


def test_pairing_by_seed_removes_what_a_seed_does_to_both():
    seed_effect = np.array([0.0, 2.0, -1.5, 3.0, -2.5, 1.0])  # large, shared by the two runs of a seed
    baseline = seed_effect + np.array([0.0, 0.1, -0.1, 0.05, -0.05, 0.0])
    candidate = baseline + 0.5
    assert Rule("score").judge(candidate, baseline).outcome == "not decided"
    paired = Rule("score", paired=True).judge(candidate, baseline)
    assert paired.outcome == "holds" and paired.interval == pytest.approx((0.5, 0.5))


def test_an_effect_shown_but_smaller_than_the_one_that_matters_does_not_hold():
    candidate = np.array([1.10, 1.11, 1.09, 1.10, 1.12, 1.08])
    baseline = candidate - 0.1
    assert Rule("score", paired=True).judge(candidate, baseline).outcome == "holds"
    assert Rule("score", paired=True, min_effect=0.3).judge(candidate, baseline).outcome == "does not hold"


@pytest.mark.parametrize(
    "ratios, outcome",
    [
        ([1.5, 1.6, 1.4, 1.55, 1.45, 1.5], "holds"),
        ([0.9, 1.0, 0.95, 1.05, 1.1, 0.85], "does not hold"),
        ([1.0, 1.5, 1.35, 1.1, 1.4, 0.9], "not decided"),
    ],
)
def test_a_threshold_rule_compares_one_sample_with_a_constant(ratios, outcome):
    judged = Rule("ratio", threshold=1.2).judge(ratios)
    assert judged.outcome == outcome and judged.n == (6,)
    assert judged.effect == pytest.approx(np.mean(ratios) - 1.2)


def test_the_rule_text_says_what_the_decision_does():
    text = Rule("final FD", better="lower", statistic="std", min_effect=0.05).text
    assert "std of final FD" in text and "lies below 0, DOES NOT HOLD if it lies above -0.05" in text
    assert "lies above 1.2, DOES NOT HOLD if it lies below 1.25" in Rule("ratio", threshold=1.2, min_effect=0.05).text
    judged = Rule("final FD", better="lower").judge(WORSE, BETTER)
    assert judged.rule == str(Rule("final FD", better="lower"))


def test_a_judgement_is_reproducible_under_its_seed():
    first, again = Rule("score", seed=7).judge(BETTER, WORSE[:4]), Rule("score", seed=7).judge(BETTER, WORSE[:4])
    assert first == again
    assert Rule("score", seed=8).judge(BETTER, WORSE[:4]).interval != first.interval


# --- intervals ------------------------------------------------------------------------------------


def _coverage(expand, experiments=300, n=5):
    """Share of simulated experiments (n seeds a group, true difference 1) whose interval covers 1."""
    rng = np.random.default_rng(0)
    covered = 0
    for i in range(experiments):
        c, b = rng.normal(1.0, 1.0, n), rng.normal(0.0, 1.0, n)
        _, (lo, hi) = difference_interval(c, b, n_boot=2000, seed=i, expand=expand)
        covered += lo <= 1.0 <= hi
    return covered / experiments


def test_the_interval_covers_the_true_difference_about_as_often_as_it_says():
    assert 0.92 <= _coverage(expand=True) <= 0.99


def test_the_plain_percentile_interval_is_too_narrow_for_five_seeds():
    # why the interval is expanded: at n = 5 the plain 95% percentile interval covers about 88%
    assert _coverage(expand=False) < 0.91


def test_one_sample_of_ten_seeds_is_covered_about_as_often_as_it_says():
    # one sample (or paired seeds) is the harder case: its bootstrap cannot reach beyond the data's range
    rng, covered = np.random.default_rng(1), 0
    for i in range(300):
        _, (lo, hi) = bootstrap_interval(rng.normal(size=10), n_boot=2000, seed=i)
        covered += lo <= 0 <= hi
    assert 0.92 <= covered / 300 <= 0.99


def test_the_plain_percentile_interval_matches_scipy():
    sample = np.array([0.2, 1.4, 0.9, 2.2, 1.1, 0.3, 1.8, 0.7])
    _, (lo, hi) = bootstrap_interval(sample, "median", n_boot=20_000, expand=False)
    reference = sps.bootstrap((sample,), np.median, method="percentile", n_resamples=20_000, rng=1)
    assert (lo, hi) == pytest.approx(tuple(reference.confidence_interval), abs=0.05)


def test_the_expanded_interval_of_a_mean_is_about_the_t_interval():
    sample = np.array([-1.2, -0.6, -0.3, -0.1, 0.0, 0.1, 0.3, 0.5, 0.8, 1.4])
    estimate, (lo, hi) = bootstrap_interval(sample, n_boot=40_000)
    half = sps.t.ppf(0.975, 9) * sps.sem(sample)
    assert estimate == pytest.approx(sample.mean())
    assert (lo, hi) == pytest.approx((sample.mean() - half, sample.mean() + half), abs=0.1 * half)


def test_the_expansion_vanishes_as_seeds_grow():
    assert expanded_level(0.95, 5) > expanded_level(0.95, 10) > expanded_level(0.95, 1000) > 0.95
    assert expanded_level(0.95, 1000) == pytest.approx(0.95, abs=1e-3)


# --- the rank test --------------------------------------------------------------------------------


def test_the_rank_test_matches_scipy_and_the_hand_count():
    # [1, 2, 3] below [4, 5, 6]: 1 split of 20 puts the lowest three first, so one-sided p = 1/20
    low, high = [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]
    assert rank_test(low, high, "less").p_value == pytest.approx(1 / 20)
    assert rank_test(low, high).p_value == pytest.approx(2 / 20)
    c, b = [0.31, 0.74, 0.55, 0.12, 0.98, 0.66], [0.05, 0.27, 0.43, 0.18, 0.51]
    result = rank_test(c, b, "greater")
    reference = sps.mannwhitneyu(c, b, alternative="greater", method="exact")
    assert (result.u, result.p_value) == pytest.approx((reference.statistic, reference.pvalue))
    assert result.method == "exact"


def test_with_ties_the_p_value_is_the_exact_permutation_one():
    c, b = np.array([1.0, 2.0, 2.0, 3.0, 3.0]), np.array([0.0, 1.0, 1.0, 2.0])
    pooled, observed = np.concatenate([c, b]), rank_test(c, b, "greater")
    u_of = lambda idx: sps.mannwhitneyu(pooled[list(idx)], np.delete(pooled, list(idx)), method="asymptotic").statistic
    splits = [u_of(idx) for idx in itertools.combinations(range(9), 5)]  # all 126 ways to pick the candidate's seeds
    assert observed.method == "permutation"
    assert observed.p_value == pytest.approx(np.mean(np.array(splits) >= observed.u - 1e-9))


def test_cliffs_delta_counts_pairs():
    # pairs won minus pairs lost over all 6: (1 > 0.5), (2 > 0.5), (2 = 2) and (1 < 2): (2 - 1) / 4
    assert cliffs_delta([1.0, 2.0], [0.5, 2.0]) == pytest.approx(0.25)
    u = sps.mannwhitneyu(BETTER[:4], WORSE).statistic
    assert cliffs_delta(BETTER[:4], WORSE) == pytest.approx(2 * u / 20 - 1)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Rule("s").judge([], [1.0, 2.0]), "candidate is empty; at least 2 values"),
        (
            lambda: Rule("s").judge([1.0, 2.0], [3.0]),
            "baseline has 1 value(s); a bootstrap interval or a rank test needs at least 2 per sample",
        ),
        (lambda: Rule("s", test="rank").judge([1.0], [2.0, 3.0]), "candidate has 1 value(s)"),
        (
            lambda: Rule("s").judge([1.0, np.nan, np.inf], [1.0, 2.0]),
            "candidate has 2 non-finite value(s) (nan or inf) among 3",
        ),
        (lambda: Rule("s").judge([[1.0, 2.0]], [1.0, 2.0]), "one number per seed (a 1-D sequence), got shape (1, 2)"),
        (lambda: Rule("s").judge(["a", "b"], [1.0, 2.0]), "candidate must be numbers"),
        (lambda: Rule("s", paired=True).judge([1.0, 2.0, 3.0], [1.0, 2.0]), "candidate has 3, baseline 2"),
        (lambda: Rule("s").judge([1.0, 2.0]), "this rule compares two groups: judge(candidate, baseline)"),
        (lambda: Rule("s", threshold=1.0).judge([1.0, 2.0], [1.0, 2.0]), "compares with a threshold: judge(sample)"),
        (lambda: Rule("s", statistic="mode"), "unknown statistic 'mode'; one of mean, median, std"),
        (lambda: Rule("s", test="t-test"), "unknown test 't-test'; one of bootstrap, rank"),
        (lambda: Rule("s", better="more"), "unknown better 'more'; one of higher, lower"),
        (lambda: Rule("s", level=95), "level must be a number strictly between 0 and 1"),
        (lambda: Rule("s", level=1.0), "level must be a number strictly between 0 and 1"),
        (lambda: Rule("s", n_boot=100), "n_boot must be an int of at least 1000"),
        (lambda: Rule("s", min_effect=float("nan")), "min_effect must be a finite number"),
        (lambda: Rule("s", threshold=float("inf")), "threshold must be a finite number or None"),
        (lambda: Rule("s", test="rank", statistic="std"), "a rank rule compares whole samples"),
        (lambda: Rule("s", test="rank", paired=True), "the rank test compares two independent samples"),
        (lambda: Rule("s", test="rank", min_effect=1.0), "min_effect is a Cliff's delta, in (-1, 1)"),
        (lambda: Rule("s", threshold=1.0, paired=True), "a threshold rule has one sample"),
        (lambda: Rule(""), "measure must name what one seed scores"),
        (lambda: bootstrap_interval([1.0, 2.0], "iqr"), "unknown statistic 'iqr'"),
        (lambda: difference_interval([1.0, 2.0], [1.0, 2.0], level=0.0), "level must be a number strictly between"),
        (lambda: rank_test([1.0, 2.0], [1.0, 2.0], "bigger"), "unknown alternative 'bigger'"),
        (lambda: cliffs_delta([], [1.0]), "candidate is empty"),
    ],
)
def test_bad_input_is_one_clear_value_error(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)
