"""Standard training runs, each described by a frozen spec and run by the one function registered for it.

Chapters run these in batches (:func:`ganlib.study.run_study`): losses x seeds x settings. A spec
holds everything that decides the outcome, so a result can be traced to it and a run repeated
from it alone.

- :class:`MixtureRun` / :func:`run_mixture` (:mod:`.mixture`): an MLP GAN on a 2-D mixture (ring,
  grid) or the swiss roll, scored over training by modes covered, high-quality ratio and W1.
- :class:`DigitsRun` / :func:`run_digits` (:mod:`.digits`): a DCGAN or an MLP GAN on
  scikit-learn's digits, scored by the digit Frechet distance and the class histogram.
- :class:`PerfectDiscriminatorRun` (:mod:`.perfect_discriminator`): D trained against a frozen G,
  with the gradient each generator loss would send G as D nears perfection.
- :class:`DeepCriticRun` (:mod:`.weight_clipping`): a deep critic trained alone under weight
  clipping or a gradient penalty, probed layer by layer.
- :func:`run_spec` runs any registered spec; a new kind of run joins with ``@register(Spec)``
  (:mod:`.registry`).
"""

from .digits import DigitsRun, run_digits
from .mixture import MixtureRun, mixture, run_mixture
from .perfect_discriminator import PerfectDiscriminatorRun, run_perfect_discriminator
from .registry import RUNNERS, RunSpec, register, run_spec
from .weight_clipping import DeepCriticRun, run_deep_critic

__all__ = [
    "MixtureRun",
    "run_mixture",
    "mixture",
    "DigitsRun",
    "run_digits",
    "PerfectDiscriminatorRun",
    "run_perfect_discriminator",
    "DeepCriticRun",
    "run_deep_critic",
    "run_spec",
    "register",
    "RUNNERS",
    "RunSpec",
]
