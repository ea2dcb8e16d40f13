"""What each measure shows on its area page (its details): breakdowns, distributions and case lists.

The measures register these details (metrics/kpi/measures/__init__.py imports the modules here), and the
modules here read the measures' rules. Importing the measures first makes either import order work: a
detail module imported on its own would otherwise meet a half-initialised measures package.
"""

import metrics.kpi.measures  # noqa: F401  (see the docstring: the import order)
