"""Django settings for WellWon, read entirely from environment variables.

Safe by default: DEBUG is off unless DEBUG=true, and with it off SECRET_KEY and
POSTGRES_PASSWORD (or DATABASE_URL) have no defaults. Development (``make run``,
the test settings) sets DEBUG=true, and then every variable has a default that
works with ``services/stack up``; ``.env.example`` lists them all.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from messaging.conf import CQL_APP_LABEL, cassandra_database
from wellwon.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_optional,
    env_parsed,
    env_str,
    parse_replication,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ConfigError("SECRET_KEY must be set to a secret value when DEBUG=false")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "messaging",
    "messaging.cql",
    "messaging.telegram",
    "presence",
    "axes",
    "wellwon",  # last: its ready() sets up tracing (wellwon.tracing) when it is on
]

MIDDLEWARE = [
    "wellwon.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "messaging.outbox_worker.outbox_drainer_middleware",
    # Last: turns a login refused by django-axes into its 429 (wellwon.login_lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wellwon.urls"
WSGI_APPLICATION = "wellwon.wsgi.application"
ASGI_APPLICATION = "wellwon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL: DATABASE_URL wins; otherwise POSTGRES_* (defaults match services/stack).
# WELLWON_TEST_SUFFIX lets two test runs share one server without sharing databases.
_TEST_SUFFIX = env_optional("WELLWON_TEST_SUFFIX") or ""


def _database() -> dict[str, object]:
    url = env_optional("DATABASE_URL")
    if url:
        try:
            config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        except ValueError as exc:
            raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
        if "postgres" not in str(config.get("ENGINE", "")):
            raise ConfigError("DATABASE_URL must be a postgres:// URL")
    else:
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("POSTGRES_DB", "wellwon"),
            "USER": env_str("POSTGRES_USER", "wellwon"),
            # The development account's password is no default for production.
            "PASSWORD": env_str("POSTGRES_PASSWORD", "wellwon" if DEBUG else None),
            "HOST": env_str("POSTGRES_HOST", "127.0.0.1"),
            "PORT": env_int("POSTGRES_PORT", 5432, minimum=1, maximum=65535),
            "CONN_MAX_AGE": 60,
        }
    config["CONN_HEALTH_CHECKS"] = True
    config["OPTIONS"] = {
        "connect_timeout": env_int("POSTGRES_CONNECT_TIMEOUT", 3, minimum=1),
        # Parameters bound by the server, and a statement run twice on a connection
        # prepared there: the per-request lookups (token, membership, profiles) skip
        # parsing and planning. Off for poolers that cannot keep prepared statements
        # (PgBouncer in transaction mode before 1.21).
        **(
            {"server_side_binding": True, "prepare_threshold": 2}
            if env_bool("POSTGRES_PREPARED_STATEMENTS", True)
            else {}
        ),
    }
    if env_bool("POSTGRES_POOL", False):
        # The ASGI server (wellwon/asgi.py turns this on): Django runs each request's sync
        # code in a thread of its own, so a persistent connection per thread is one per
        # request, never closed: uvicorn exhausted PostgreSQL's 100 slots in seconds under
        # 16 clients. psycopg's pool keeps a few per process instead; a request waits at
        # most POSTGRES_POOL_TIMEOUT for one (then a 503), and closing returns it.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"]["pool"] = {  # type: ignore[index]
            "min_size": 1,
            "max_size": env_int("POSTGRES_POOL_SIZE", 8, minimum=1),
            "timeout": env_float("POSTGRES_POOL_TIMEOUT", 5.0),
        }
    config["TEST"] = {"NAME": f"test_{config['NAME']}{'_' + _TEST_SUFFIX if _TEST_SUFFIX else ''}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (django-redis): typing, presence, counters, worker-id leases.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
            "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
        },
        "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "wellwon"),
    },
    # Where DRF's throttles count while Redis is down (wellwon.throttling).
    "throttle-fallback": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle-fallback",
    },
}
# Lifetime of a Snowflake worker-id lease (presence.leases): sends go on for up to
# this long into a Redis outage, then answer 503 until Redis is back.
PRESENCE_WORKER_LEASE_TTL = env_float("PRESENCE_WORKER_LEASE_TTL", 30.0)
# Authentication, membership and profiles cached in Redis (messaging.caching): forgotten on
# every change the code makes; the lifetime only bounds changes made outside it (raw SQL).
AUTH_CACHE_TTL = env_float("AUTH_CACHE_TTL", 60.0)
# The newest page of each chat kept between writes (messaging.selectors.hot_pages).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_MAX_AGE = env_float("PAGE_CACHE_MAX_AGE", 10.0)

# The gateway's channel layer: Redis pub/sub, one subscription per chat per server process.
CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHES['default']['KEY_PREFIX']}:gateway:"},
    }
}
GATEWAY_HEARTBEAT_INTERVAL = env_float("GATEWAY_HEARTBEAT_INTERVAL", 30.0)
GATEWAY_IDENTIFY_TIMEOUT = env_float("GATEWAY_IDENTIFY_TIMEOUT", 10.0)
GATEWAY_MAX_CONNECTIONS_PER_USER = env_int("GATEWAY_MAX_CONNECTIONS_PER_USER", 10, minimum=1)
GATEWAY_MAX_BACKLOG = env_int("GATEWAY_MAX_BACKLOG", 1000, minimum=1)


# CQL message store (the seed's names).
def _cql_identifier(value: str) -> str:
    if not value.replace("_", "").isalnum() or not value[0].isalpha() or len(value) > 48:
        raise ValueError(
            "a keyspace name is letters, digits and underscores, starting with a letter"
        )
    return value


SCYLLA_ENABLED = env_bool("SCYLLA_ENABLED", True)
SCYLLA_CONTACT_POINTS = env_list("SCYLLA_CONTACT_POINTS", ["127.0.0.1"])
SCYLLA_PORT = env_int("SCYLLA_PORT", 9042, minimum=1, maximum=65535)
SCYLLA_KEYSPACE = env_parsed("SCYLLA_KEYSPACE", "wellwon_scylla", _cql_identifier)
SCYLLA_USERNAME = env_optional("SCYLLA_USERNAME")
SCYLLA_PASSWORD = env_optional("SCYLLA_PASSWORD")
SCYLLA_LOCAL_DC = env_str("SCYLLA_LOCAL_DC", "datacenter1")
SCYLLA_REPLICATION = env_parsed(
    "SCYLLA_REPLICATION", {"class": "SimpleStrategy", "replication_factor": 1}, parse_replication
)
_CONSISTENCY = ("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE")
SCYLLA_WRITE_CONSISTENCY = env_choice("SCYLLA_WRITE_CONSISTENCY", "LOCAL_QUORUM", _CONSISTENCY)
SCYLLA_READ_CONSISTENCY = env_choice("SCYLLA_READ_CONSISTENCY", "LOCAL_ONE", _CONSISTENCY)
SCYLLA_FRESH_READ_CONSISTENCY = env_choice(
    "SCYLLA_FRESH_READ_CONSISTENCY", "LOCAL_QUORUM", _CONSISTENCY
)
SCYLLA_CONNECT_TIMEOUT = env_float("SCYLLA_CONNECT_TIMEOUT", 3.0)
SCYLLA_REQUEST_TIMEOUT = env_float("SCYLLA_REQUEST_TIMEOUT", 5.0)
# The CQL connection the Django way, from the same variables; the ORM never goes there.
DATABASES["cassandra"] = cassandra_database(
    contact_points=SCYLLA_CONTACT_POINTS,
    port=SCYLLA_PORT,
    keyspace=SCYLLA_KEYSPACE,
    username=SCYLLA_USERNAME,
    password=SCYLLA_PASSWORD,
    replication=SCYLLA_REPLICATION,
)
DATABASE_ROUTERS = ["messaging.db_router.CassandraRouter"]
MIGRATION_MODULES = {CQL_APP_LABEL: None}  # the CQL tables come from scylla_migrate


# Reactions: any one Unicode emoji, plus these custom names; distinct emoji per message.
MESSAGING_REACTION_CUSTOM_EMOJI = env_list("REACTION_CUSTOM_EMOJI", [])
MESSAGING_REACTION_MAX_DISTINCT = env_int("REACTION_MAX_DISTINCT", 20, minimum=1)

# The follower outbox (messaging.conf.OutboxSettings): PostgreSQL follow-ups of a
# message write that failed are redone by each server process's drainer thread.
MESSAGING_OUTBOX_GRACE = env_float("MESSAGING_OUTBOX_GRACE", 5.0)
MESSAGING_OUTBOX_DRAIN_INTERVAL = env_float("MESSAGING_OUTBOX_DRAIN_INTERVAL", 2.0)
MESSAGING_OUTBOX_RETRY_MAX = env_float("MESSAGING_OUTBOX_RETRY_MAX", 15.0)
MESSAGING_LEDGER_LOCK_TIMEOUT = env_float("MESSAGING_LEDGER_LOCK_TIMEOUT", 5.0)

# Health probes: each store must answer within this many seconds.
HEALTH_CHECK_TIMEOUT = env_float("HEALTH_CHECK_TIMEOUT", 2.0)

# Prometheus (GET /metrics). METRICS_ENABLED=false drops the request middleware and the CQL
# latency series (what the benchmark compares against). PROMETHEUS_MULTIPROC_DIR is
# prometheus-client's multiprocess mode, read by the library itself when it is imported:
# every worker writes its values there and a scrape sums them. gunicorn with
# ``-c python:wellwon.gunicorn_conf`` creates and empties it; unset: one process's values.
METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
METRICS_MULTIPROC_DIR = env_optional("PROMETHEUS_MULTIPROC_DIR")
if METRICS_MULTIPROC_DIR and not Path(METRICS_MULTIPROC_DIR).is_dir():
    raise ConfigError(
        f"PROMETHEUS_MULTIPROC_DIR={METRICS_MULTIPROC_DIR!r} is not a directory "
        "(create it empty before the server starts, or serve with wellwon.gunicorn_conf)"
    )
# OpenTelemetry traces (wellwon.tracing), off by default: nothing is loaded or wrapped then.
# The exporter's endpoint and the service name come from OpenTelemetry's own OTEL_* variables.
TRACING_ENABLED = env_bool("TRACING_ENABLED", False)
TRACING_EXPORTER = env_choice("TRACING_EXPORTER", "otlp", ("otlp", "console"))

# Telegram Bot API webhook: the secret_token given to setWebhook, echoed by Telegram in the
# X-Telegram-Bot-Api-Secret-Token header. Unset: the webhook refuses every delivery (403).
TELEGRAM_WEBHOOK_SECRET = env_optional("TELEGRAM_WEBHOOK_SECRET")

# Password guessing (django-axes, on every login: admin, /api-auth/login/, the token):
# after LOGIN_FAILURE_LIMIT failures of one username from one address, even the right
# password is refused (429) for LOGIN_LOCKOUT_MINUTES. Keyed by the pair, so nobody can
# lock an account out for everyone; attempts and lockouts are rows in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("LOGIN_LOCKOUT_MINUTES", 15.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wellwon.login_lockout.lockout_response"
AXES_VERBOSE = False  # no INFO line per login; lockouts are still logged as warnings

# API tokens live this long from their creation; logging in again then gives a new one.
AUTH_TOKEN_TTL_HOURS = env_float("AUTH_TOKEN_TTL_HOURS", 30 * 24.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous caller's answer a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wellwon.credentials.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON strictly decoded, deep nesting a 400 (messaging.api.parsers); forms as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "messaging.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "wellwon.throttling.AnonRateThrottle",
        "wellwon.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "60/min"),
        "user": env_str("THROTTLE_USER", "6000/min"),
    },
    "EXCEPTION_HANDLER": "messaging.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "WellWon messaging API",
    "DESCRIPTION": "Chats in PostgreSQL, messages in ScyllaDB/Cassandra, presence in Redis.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "messaging.api.schema_rules.forbid_nul_characters",
    ],
}

# Request size limit: a chat message body is small; anything bigger is refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024, minimum=1024)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# In production every request is redirected to HTTPS (behind a TLS proxy that sets
# X-Forwarded-Proto), except the probes and the scrape, which come over plain HTTP
# from inside the cluster. SECURE_SSL_REDIRECT=false serves plain HTTP (e.g. loopback).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"cassandra": {"level": "WARNING"}},
}
