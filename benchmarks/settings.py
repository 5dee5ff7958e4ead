"""Settings of the server the HTTP benchmark runs: the product's, plus two bench-only changes.

* ``ROOT_URLCONF`` adds the bare Django view (``benchmarks.urls``) beside the
  product's URLs; the product itself never mounts it.
* No throttling: the product's ``UserRateThrottle`` (6000/min) would answer the
  load generator with 429s within a second, and its Redis round trip is not
  what the benchmark compares.

Everything else (stores, DEBUG, keys) comes from the environment exactly as in
production; the benchmark sets its own keyspace, database and Redis prefix.
"""

from wellwon.settings import *  # noqa: F403
from wellwon.settings import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
