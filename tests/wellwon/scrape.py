"""Reading a ``/metrics`` answer the way Prometheus does: ``prometheus_client.parser``."""

from __future__ import annotations

import re

from prometheus_client import REGISTRY
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

# What must never be a label value: a UUID, or a run of digits as long as a user or
# message id (bucket bounds, ``le``, are numbers by design and are left out).
ID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-|\d{4,}", re.IGNORECASE)


class Scrape:
    """The parsed families of one scrape, by name (``wellwon_cql_errors``, not ``_total``)."""

    def __init__(self, text: str) -> None:
        self.families: dict[str, Metric] = {
            family.name: family for family in text_string_to_metric_families(text)
        }

    def samples(self, name: str, **labels: str) -> list[Sample]:
        """Samples named ``name`` (``..._bucket``, ``..._count``) carrying ``labels``."""
        return [
            sample
            for family in self.families.values()
            for sample in family.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        ]

    def total(self, name: str, **labels: str) -> float:
        return sum(sample.value for sample in self.samples(name, **labels))

    def id_like_labels(self) -> list[tuple[str, str, str]]:
        return [
            (sample.name, key, value)
            for family in self.families.values()
            for sample in family.samples
            for key, value in sample.labels.items()
            if key != "le" and ID_LIKE.search(value)
        ]


def current(name: str, **labels: str) -> float:
    """A sample's value in this process's registry now (0 before its first increment)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
