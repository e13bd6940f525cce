"""Fixtures shared by the test modules."""

import pytest

from ganlib import digit_metrics


@pytest.fixture(scope="session")
def digit_cache(tmp_path_factory):
    """A cache folder holding the digit classifier, trained once for the whole test session."""
    cache = tmp_path_factory.mktemp("ganlib_cache")
    digit_metrics.load_digit_classifier(cache=cache)
    return cache
