"""Networks of the book; each chapter's architectures join as their own module."""
from .affine import AffineGenerator
from .mlp import MLPDiscriminator, MLPGenerator, mlp

__all__ = ["mlp", "MLPGenerator", "MLPDiscriminator", "AffineGenerator"]
