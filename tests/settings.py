"""Test settings: the project's settings with names of their own for test data.

Tests use the same real servers as development (PostgreSQL, Redis, Cassandra
from ``services/stack up``) but their own database, keyspace and Redis key
prefix, so a test run never touches development data. WELLWON_TEST_SUFFIX
separates two runs on one machine. Tests run with the development values
(DEBUG=true unless the environment says otherwise, so the development
defaults apply), as ``make run`` does; production's are checked in
subprocesses (tests/security/test_production_settings.py).
"""

import os

os.environ.setdefault("DEBUG", "true")

from wellwon.settings import *  # noqa: F403
from wellwon.settings import _TEST_SUFFIX, CACHES, SCYLLA_KEYSPACE

_suffix = f"_{_TEST_SUFFIX}" if _TEST_SUFFIX else ""
SCYLLA_KEYSPACE = f"test_{SCYLLA_KEYSPACE}{_suffix}"
DATABASES["cassandra"] = {  # noqa: F405
    **DATABASES["cassandra"],  # noqa: F405
    "NAME": SCYLLA_KEYSPACE,
    "TEST": {"NAME": SCYLLA_KEYSPACE},
}
CACHES["default"]["KEY_PREFIX"] = f"wellwon_test{_suffix}"
# Fail fast in tests that stop a store on purpose.
SCYLLA_BREAKER_RESET_SECONDS = 1.0
# No drainer thread in the test process: tests drain explicitly, or run a server.
MESSAGING_OUTBOX_DRAIN_INTERVAL = 0.0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"wellwon_test{_suffix}:gateway:"  # noqa: F405
