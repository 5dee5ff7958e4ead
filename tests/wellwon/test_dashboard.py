"""The Grafana dashboard in the repository: it loads, and every series it queries is served.

A dashboard that names a metric the app does not export shows empty panels
without any error, so each query's metric is looked up in a real scrape of
``/metrics`` (with the type its suffix implies).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.wellwon.scrape import Scrape

DASHBOARD = Path(settings.BASE_DIR) / "services" / "grafana" / "wellwon-dashboard.json"
METRIC = re.compile(r"\b(wellwon_[a-z0-9_]+)\b")
VARIABLE = re.compile(r"\$\{?(\w+)\}?")
# Grafana's own interval variables, defined by Grafana, not the dashboard.
GRAFANA_VARIABLES = {"__rate_interval", "__interval", "__range"}
SUFFIX_TYPES = {"_bucket": "histogram", "_count": "histogram", "_sum": "histogram"}


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def targets(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [target for panel in dashboard["panels"] for target in panel["targets"]]


def family_of(name: str, scrape: Scrape) -> tuple[str, str]:
    """The family a queried sample name belongs to, and the type its suffix requires."""
    if name.endswith("_total"):
        return name.removesuffix("_total"), "counter"
    for suffix, kind in SUFFIX_TYPES.items():
        if name.endswith(suffix) and name.removesuffix(suffix) in scrape.families:
            return name.removesuffix(suffix), kind
    return name, "gauge"


class TestShape:
    def test_the_dashboard_has_what_grafana_needs_to_import_it(
        self, dashboard: dict[str, Any]
    ) -> None:
        assert dashboard["uid"] and dashboard["title"]
        assert isinstance(dashboard["schemaVersion"], int)
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids)), "panel ids must be unique"
        for panel in dashboard["panels"]:
            box = panel["gridPos"]
            assert box["x"] + box["w"] <= 24 and box["w"] > 0 and box["h"] > 0, panel["title"]
            refs = [target["refId"] for target in panel["targets"]]
            assert refs and len(refs) == len(set(refs)), panel["title"]

    def test_no_two_panels_overlap(self, dashboard: dict[str, Any]) -> None:
        cells: dict[tuple[int, int], str] = {}
        for panel in dashboard["panels"]:
            box = panel["gridPos"]
            for x in range(box["x"], box["x"] + box["w"]):
                for y in range(box["y"], box["y"] + box["h"]):
                    assert (x, y) not in cells, (panel["title"], cells.get((x, y)))
                    cells[(x, y)] = panel["title"]

    def test_every_variable_used_is_defined(self, dashboard: dict[str, Any]) -> None:
        defined = {variable["name"] for variable in dashboard["templating"]["list"]}
        used = set(VARIABLE.findall(json.dumps(dashboard["panels"])))
        assert used - GRAFANA_VARIABLES <= defined

    def test_queries_are_balanced_and_quantiles_read_buckets_by_le(
        self, dashboard: dict[str, Any]
    ) -> None:
        for target in targets(dashboard):
            expr = target["expr"]
            for opening, closing in ("()", "{}", "[]"):
                assert expr.count(opening) == expr.count(closing), expr
            if "histogram_quantile" in expr:
                assert "_bucket" in expr and re.search(r"by \([^)]*\ble\b", expr), expr


@pytest.mark.django_db
def test_every_metric_queried_is_in_a_scrape(dashboard: dict[str, Any]) -> None:
    Client().get("/health/live")  # the URLs, and every module declaring metrics, loaded
    scrape = Scrape(Client().get("/metrics").content.decode())
    queried = {name for target in targets(dashboard) for name in METRIC.findall(target["expr"])}
    assert queried
    for name in sorted(queried):
        family, kind = family_of(name, scrape)
        assert family in scrape.families, f"{name}: no such series in /metrics"
        assert scrape.families[family].type == kind, (name, scrape.families[family].type)
