"""``python -m ganlib``: see :mod:`ganlib.runner`."""
import sys

from .runner import main

sys.exit(main())
