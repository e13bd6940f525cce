"""``python -m ganbook``: see :mod:`ganbook.cli`."""

import sys

from .cli import main

sys.exit(main())
