"""Networks of the book; each chapter's architectures join as their own module."""

from .affine import AffineGenerator
from .classifier import DigitClassifier
from .dcgan import DCGAN_ABLATIONS, DCGANDiscriminator, DCGANGenerator, dcgan_guidelines, dcgan_init, dcgan_networks
from .mlp import MLPDiscriminator, MLPGenerator, MLPImageDiscriminator, MLPImageGenerator, mlp

__all__ = [
    "mlp",
    "MLPGenerator",
    "MLPDiscriminator",
    "MLPImageGenerator",
    "MLPImageDiscriminator",
    "AffineGenerator",
    "DCGANGenerator",
    "DCGANDiscriminator",
    "dcgan_init",
    "dcgan_guidelines",
    "dcgan_networks",
    "DCGAN_ABLATIONS",
    "DigitClassifier",
]
