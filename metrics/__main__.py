"""`python -m metrics ...`: the command line of the core."""

import sys

from metrics.cli import main

sys.exit(main())
