"""``python -m analysis summarize FILE.csv --by sector --satisfied-column q_overall``."""

import sys

from .cli import main

sys.exit(main())
