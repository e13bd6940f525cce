"""A small CNN digit classifier whose features stand in for Inception's (chapter 3 on)."""

from __future__ import annotations

from torch import nn

__all__ = ["DigitClassifier"]


class DigitClassifier(nn.Module):
    """(B, 1, 8, 8) digits -> 10 class logits; :meth:`features` gives the 64-d penultimate layer."""

    feature_dim = 64

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.ReLU(),  # (B, 32, 8, 8)
            nn.Conv2d(32, 64, 3, padding=1, stride=2),
            nn.ReLU(),  # (B, 64, 4, 4)
            nn.Flatten(),
            nn.Linear(64 * 16, self.feature_dim),
            nn.ReLU(),
        )
        self.head = nn.Linear(self.feature_dim, 10)

    def features(self, x):  # (B, 1, 8, 8) -> (B, 64)
        return self.body(x)

    def forward(self, x):  # (B, 1, 8, 8) -> (B, 10)
        return self.head(self.body(x))
