"""The messaging app's settings: the worker-id provider without the presence app."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from messaging.conf import (
    CONFIGURED_WORKER_ID_PROVIDER,
    LEASED_WORKER_ID_PROVIDER,
    worker_id_provider_path,
)
from messaging.scylla.worker_ids import configured_worker_id_provider

WITHOUT_PRESENCE = [app for app in settings.INSTALLED_APPS if app != "presence"]


class TestWorkerIdProvider:
    def test_the_redis_lease_when_presence_is_installed(self) -> None:
        assert worker_id_provider_path() == LEASED_WORKER_ID_PROVIDER

    def test_the_configured_id_without_presence(self) -> None:
        with override_settings(INSTALLED_APPS=WITHOUT_PRESENCE):
            assert worker_id_provider_path() == CONFIGURED_WORKER_ID_PROVIDER

    def test_an_explicit_provider_wins(self) -> None:
        with override_settings(SNOWFLAKE_WORKER_ID_PROVIDER="somewhere.else"):
            assert worker_id_provider_path() == "somewhere.else"

    def test_configured_id(self) -> None:
        with override_settings(SNOWFLAKE_WORKER_ID=17):
            assert configured_worker_id_provider() == 17

    @pytest.mark.parametrize("value", [None, -1, 1024])
    def test_missing_or_out_of_range_id_is_refused(self, value: int | None) -> None:
        with (
            override_settings(SNOWFLAKE_WORKER_ID=value),
            pytest.raises(ImproperlyConfigured, match="SNOWFLAKE_WORKER_ID must be set"),
        ):
            configured_worker_id_provider()
