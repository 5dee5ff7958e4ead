"""``python -m benchmarks`` runs the repository benchmark."""

import sys

from benchmarks.repository import main

sys.exit(main())
