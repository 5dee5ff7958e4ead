"""``GET /metrics``, one process: routes, statements, PostgreSQL time, parsed as Prometheus does.

The registry is the process's, shared with every other test, so each test
compares a scrape before and after its own requests. The multi-worker server
is ``test_metrics_workers``.
"""

from __future__ import annotations

import uuid

import pytest
from cassandra import InvalidRequest
from django.test import Client, override_settings

from messaging.scylla import ScyllaClient
from messaging.scylla.breaker import CircuitBreaker
from tests.messaging.api_support import (
    client_of,
    create_chat,
    make_user,
    messages_url,
    ok,
    post_message,
)
from tests.wellwon.scrape import Scrape

REQUESTS = "wellwon_http_request_duration_seconds"
POSTGRES = "wellwon_http_request_postgres_seconds"
CQL = "wellwon_cql_statement_duration_seconds"


pytestmark = pytest.mark.usefixtures("stores")


def scrape() -> Scrape:
    answer = Client().get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=0.0.4")  # no Accept header
    return Scrape(answer.content.decode())


def delta(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.total(name, **labels) - before.total(name, **labels)


class TestRequests:
    def test_each_route_is_counted_once_per_request_by_name_method_and_status(self) -> None:
        alice, bob = make_user("alice"), make_user("bob")
        chat = create_chat(alice, bob)
        before = scrape()
        post_message(alice, chat["id"], "hello")
        ok(client_of(bob).get(messages_url(chat["id"])))
        ok(client_of(bob).get(messages_url(chat["id"])))
        assert client_of(None).get(messages_url(chat["id"])).status_code == 401
        assert Client().get(f"/no/such/{uuid.uuid4()}/").status_code == 404
        after = scrape()

        count = f"{REQUESTS}_count"
        route = "chat-message-list"
        assert delta(before, after, count, route=route, method="POST", status="2xx") == 1
        assert delta(before, after, count, route=route, method="GET", status="2xx") == 2
        assert delta(before, after, count, route=route, method="GET", status="4xx") == 1
        assert delta(before, after, count, route="<unresolved>", method="GET", status="4xx") == 1

    def test_every_route_exercised_has_its_buckets(self) -> None:
        alice = make_user("alice")
        chat = create_chat(alice)
        ok(client_of(alice).get(messages_url(chat["id"])))
        assert Client().get("/health/live").status_code == 200
        after = scrape()
        for route in ("chat-list", "chat-message-list", "health-live"):
            buckets = after.samples(f"{REQUESTS}_bucket", route=route)
            bounds = {sample.labels["le"] for sample in buckets}
            assert {"0.005", "0.1", "1.0", "+Inf"} <= bounds, (route, bounds)
            assert after.total(f"{REQUESTS}_bucket", route=route, le="+Inf") == after.total(
                f"{REQUESTS}_count", route=route
            )

    def test_postgresql_time_is_observed_per_request(self) -> None:
        alice = make_user("alice")
        chat = create_chat(alice)
        before = scrape()
        ok(client_of(alice).get(messages_url(chat["id"])))
        after = scrape()
        route = "chat-message-list"
        assert delta(before, after, f"{POSTGRES}_count", route=route) == 1
        # The membership check alone is a query.
        assert delta(before, after, f"{POSTGRES}_sum", route=route) > 0

    def test_no_label_carries_an_id(self) -> None:
        alice, bob = make_user("alice"), make_user("bob")
        chat = create_chat(alice, bob)
        message = post_message(alice, chat["id"], "hello")
        ok(client_of(bob).get(messages_url(chat["id"], message["id"])))
        ok(client_of(bob).get(f"/api/chats/{chat['id']}/"))
        text = Client().get("/metrics").content.decode()
        assert chat["id"] not in text and str(message["id"]) not in text
        assert Scrape(text).id_like_labels() == []

    def test_metrics_off_leaves_requests_untimed(self) -> None:
        before = scrape()
        with override_settings(METRICS_ENABLED=False):
            assert Client().get("/health/live").status_code == 200
        after = scrape()
        assert delta(before, after, f"{REQUESTS}_count", route="health-live") == 0


class TestCql:
    def test_statements_are_timed_by_name_and_consistency(self) -> None:
        alice = make_user("alice")
        chat = create_chat(alice)
        before = scrape()
        post_message(alice, chat["id"], "hello")
        ok(client_of(alice).get(messages_url(chat["id"])))
        after = scrape()
        count = f"{CQL}_count"
        # A send is one unlogged batch (row, channel metadata, the sender's read position)
        # at the write consistency; the page reads its bucket at the read consistency.
        send = "batch:set_read_position+touch_channel+write_message"
        assert delta(before, after, count, statement=send, consistency="LOCAL_QUORUM") == 1
        assert delta(before, after, count, statement="select_older", consistency="LOCAL_ONE") >= 1
        buckets = after.samples(f"{CQL}_bucket", statement=send)
        assert {"0.0005", "0.005", "+Inf"} <= {sample.labels["le"] for sample in buckets}

    def test_a_failed_statement_is_counted_by_its_error_class(self, cql: ScyllaClient) -> None:
        before = scrape()
        with pytest.raises(InvalidRequest, match="no_such_table"):
            cql.execute(f"SELECT * FROM {cql.keyspace}.no_such_table")
        after = scrape()
        assert delta(before, after, "wellwon_cql_errors_total", statement="other") == 1
        assert delta(before, after, f"{CQL}_count", statement="other") == 1

    def test_breaker_state_changes_are_counted(self) -> None:
        breaker = CircuitBreaker(failure_threshold=1, reset_seconds=0.0)
        before = scrape()
        breaker.record_failure()  # closed -> open
        breaker.record_failure()  # stays open: no change
        assert breaker.allow()  # cooled down: half open, one trial
        breaker.record_success()  # closed
        after = scrape()
        transitions = "wellwon_cql_breaker_transitions_total"
        assert delta(before, after, transitions, state="open") == 1
        assert delta(before, after, transitions, state="half_open") == 1
        assert delta(before, after, transitions, state="closed") == 1
        assert after.total("wellwon_cql_breaker_open") == 0


def test_openmetrics_is_served_to_who_asks_for_it() -> None:
    answer = Client().get("/metrics", HTTP_ACCEPT="application/openmetrics-text")
    assert answer["Content-Type"].startswith("application/openmetrics-text")
    assert answer.content.decode().rstrip().endswith("# EOF")
