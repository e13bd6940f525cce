"""Image metrics for the digits data: a Frechet distance and class histograms (chapter 3 on).

Inception weights cannot be downloaded here, so the features come from
:class:`ganlib.models.DigitClassifier`, a small CNN that this module trains deterministically
on a fixed 75% of scikit-learn's digits (a few seconds on a CPU) and caches under
``$GANLIB_CACHE`` (default ``~/.cache/ganlib``); a missing or unreadable cache is retrained.

The *digit Frechet distance* (digit-FD) is :func:`ganlib.metrics.frechet_distance` of these
64-d features. Its numbers are **not comparable to Inception FID**: other features, other
images, other sample sizes. Compare them only with each other and with the floor that real
held-out digits reach (:func:`digit_fd` of the training and held-out splits).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .data import load_digits
from .metrics import frechet_distance
from .models import DigitClassifier

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "split_digits",
    "train_digit_classifier",
    "load_digit_classifier",
    "digit_features",
    "digit_fd",
    "class_histogram",
    "reference_scores",
]

CACHE_ENV = "GANLIB_CACHE"
_RECIPE = "v1-adam1e-3-e30-b64-seed0"  # change it whenever the architecture or the training changes


def cache_dir():
    """Where trained helper networks are kept: $GANLIB_CACHE, else $XDG_CACHE_HOME/ganlib or ~/.cache/ganlib."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ganlib"


def split_digits(held_out=0.25, seed=0):
    """A fixed split of the digits: ((x_train, y_train), (x_held_out, y_held_out))."""
    images, labels = load_digits()
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    n_test = int(round(held_out * len(images)))
    test, train = order[:n_test], order[n_test:]
    return (images[train], labels[train]), (images[test], labels[test])


def train_digit_classifier(epochs=30, batch_size=64, seed=0):
    """Train the classifier on the training split (CPU, seeded); returns (model, held-out accuracy)."""
    (x, y), (x_test, y_test) = split_digits()
    torch.manual_seed(seed)
    model = DigitClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(batch_size):
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    return model, accuracy


def load_digit_classifier(cache=None):
    """The cached classifier (eval mode), trained and cached first if missing or unreadable."""
    path = Path(cache or cache_dir()) / f"digit_classifier-{_RECIPE}.pt"
    model = DigitClassifier()
    if path.exists():
        try:
            model.load_state_dict(torch.load(path, weights_only=True))
            return model.eval()
        except Exception as exc:  # a cache, whatever broke it, is simply rebuilt
            warnings.warn(
                f"retraining the digit classifier: the cached weights at {path} are unreadable ({exc})", stacklevel=2
            )
    model, _ = train_digit_classifier()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    torch.save(model.state_dict(), tmp)
    os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    return model


def _images(images):
    images = torch.as_tensor(images, dtype=torch.float32).detach().cpu()
    if images.ndim != 4 or images.shape[1:] != (1, 8, 8):
        raise ValueError(f"expected digits of shape (N, 1, 8, 8) in [-1, 1], got {tuple(images.shape)}")
    return images


def digit_features(images, classifier=None):
    """The classifier's 64-d features of (N, 1, 8, 8) images, as a NumPy array."""
    classifier = classifier or load_digit_classifier()
    with torch.no_grad():
        return classifier.features(_images(images)).double().numpy()


def digit_fd(images_a, images_b, classifier=None):
    """Frechet distance between two sets of digit images in the classifier's feature space."""
    classifier = classifier or load_digit_classifier()
    return frechet_distance(digit_features(images_a, classifier), digit_features(images_b, classifier))


def class_histogram(images, classifier=None):
    """How many images the classifier assigns to each of the 10 classes (a mode-coverage measure)."""
    classifier = classifier or load_digit_classifier()
    with torch.no_grad():
        predicted = classifier(_images(images)).argmax(1).numpy()
    return np.bincount(predicted, minlength=10)


def reference_scores(classifier=None, seed=0):
    """The digit metrics read on real digits and on noise: the yardsticks for generated digits.

    ``classifier_accuracy``: the classifier's accuracy on the held-out split; ``fd_floor``: the
    digit-FD between the training and the held-out split (the best a generator can hope for at
    this sample size); ``fd_noise``: the digit-FD of uniform noise in [-1, 1] (as many images as
    the held-out split, drawn with ``seed``) to the held-out split.
    """
    classifier = classifier or load_digit_classifier()
    (x_train, _), (x_held_out, y_held_out) = split_digits()
    with torch.no_grad():
        accuracy = float((classifier(x_held_out).argmax(1) == y_held_out).float().mean())
    noise = torch.rand(len(x_held_out), 1, 8, 8, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return {
        "classifier_accuracy": accuracy,
        "fd_floor": digit_fd(x_train, x_held_out, classifier),
        "fd_noise": digit_fd(noise, x_held_out, classifier),
    }
