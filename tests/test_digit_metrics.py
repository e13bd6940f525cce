import numpy as np
import pytest
import torch

from ganlib import digit_metrics as dm


@pytest.fixture(scope="module")
def classifier(digit_cache):
    return dm.load_digit_classifier(cache=digit_cache)


def test_split_is_fixed_and_disjoint():
    (x1, _), (t1, _) = dm.split_digits()
    (x2, _), (t2, _) = dm.split_digits()
    assert torch.equal(x1, x2) and torch.equal(t1, t2)
    assert len(x1) + len(t1) == 1797 and len(t1) == 449


def test_classifier_is_accurate_and_cached(digit_cache):
    model = dm.load_digit_classifier(cache=digit_cache)  # trained into the cache once per session
    files = list(digit_cache.iterdir())
    assert len(files) == 1 and files[0].suffix == ".pt"
    (_, _), (x_test, y_test) = dm.split_digits()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    assert accuracy > 0.95
    again = dm.load_digit_classifier(cache=digit_cache)  # from the cache: the same weights
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))


def test_unreadable_or_missing_cache_is_retrained_and_rewritten(digit_cache, tmp_path, monkeypatch):
    trained = []

    def fake_training():  # the real one is slow; what is tested is when it is called and what is kept
        trained.append(1)
        return dm.DigitClassifier(), 0.0

    monkeypatch.setattr(dm, "train_digit_classifier", fake_training)
    dm.load_digit_classifier(cache=tmp_path)  # missing: trained and written
    path = next(tmp_path.iterdir())
    assert len(trained) == 1 and path.stat().st_size > 0
    dm.load_digit_classifier(cache=tmp_path)  # readable: loaded, not trained
    assert len(trained) == 1
    path.write_bytes(b"not a checkpoint")
    with pytest.warns(UserWarning, match="retraining"):
        dm.load_digit_classifier(cache=tmp_path)
    assert len(trained) == 2 and path.read_bytes() != b"not a checkpoint"


def test_fd_orders_real_above_noise_and_histograms_count(classifier):
    (x, _), (x_test, y_test) = dm.split_digits()
    floor = dm.digit_fd(x, x_test, classifier)
    noise = dm.digit_fd(
        torch.rand(449, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1, x_test, classifier
    )
    assert 0 < floor < noise / 10
    hist = dm.class_histogram(x_test, classifier)
    assert hist.sum() == 449 and np.abs(hist - np.bincount(y_test.numpy(), minlength=10)).sum() < 30
    ones = x_test[y_test == 1]
    assert dm.class_histogram(ones, classifier).argmax() == 1


def test_wrong_image_shape_is_a_clear_error(classifier):
    with pytest.raises(ValueError, match=r"expected digits of shape \(N, 1, 8, 8\)"):
        dm.digit_features(torch.zeros(4, 28, 28), classifier)


def test_reference_scores_put_real_digits_far_below_noise(classifier):
    ref = dm.reference_scores(classifier, seed=0)
    (x, _), (x_test, _) = dm.split_digits()
    assert ref["fd_floor"] == dm.digit_fd(x, x_test, classifier) and 0 < ref["fd_floor"] < ref["fd_noise"] / 10
    assert ref["classifier_accuracy"] >= 0.95
    assert dm.reference_scores(classifier, seed=1)["fd_noise"] != ref["fd_noise"]  # the seed draws the noise
