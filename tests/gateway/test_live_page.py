"""The live page in a real browser (Debian's Chromium through Selenium): two people, two
browsers; one types and sends, the other sees the typing and the message without reloading,
and a reaction comes back the other way."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.test import Client
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.gateway.conftest import Person, make_chat
from tests.gateway.server import Server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"  # `make test` installs both (services/stack browser)


@pytest.fixture
def browsers() -> Iterator[list[webdriver.Chrome]]:
    opened: list[webdriver.Chrome] = []
    profiles: list[tempfile.TemporaryDirectory[str]] = []

    def open_one() -> webdriver.Chrome:
        profile = tempfile.TemporaryDirectory(prefix="wellwon-chromium-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile.name}",
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        opened.append(driver)
        return driver

    try:
        yield [open_one(), open_one()]
    finally:
        for driver in opened:
            driver.quit()
        for profile in profiles:
            profile.cleanup()


def logged_in(driver: webdriver.Chrome, server: Server, person: Person) -> None:
    """The person's session cookie in the browser, then the page."""
    session = Client()
    session.force_login(person.user)
    driver.get(f"{server.url}/health/live")
    driver.add_cookie({"name": "sessionid", "value": session.cookies["sessionid"].value})
    driver.get(f"{server.url}/app/")


def wait_for(driver: webdriver.Chrome, check: Any, timeout: float = 15) -> Any:
    return WebDriverWait(driver, timeout).until(lambda d: check(d))


def open_chat(driver: webdriver.Chrome, chat: str) -> None:
    wait_for(driver, lambda d: "live as" in d.find_element(By.ID, "status").text)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'li[data-chat-id="{chat}"]'))
    driver.find_element(By.CSS_SELECTOR, f'li[data-chat-id="{chat}"]').click()
    wait_for(driver, lambda d: d.find_element(By.ID, "send").is_displayed())


class TestLivePage:
    def test_anonymous_visitors_are_sent_to_log_in(self, server: Server) -> None:
        answer = requests.get(f"{server.url}/app/", allow_redirects=False, timeout=10)
        assert answer.status_code == 302 and answer.headers["Location"].startswith(
            "/api-auth/login/"
        )

    def test_one_sends_the_other_sees_typing_the_message_and_a_reaction_back(
        self, servers: list[Server], people: tuple[Person, ...], browsers: list[webdriver.Chrome]
    ) -> None:
        ann, bob, _ = people
        chat = make_chat(ann, bob, name="browser chat")
        ann_page, bob_page = browsers
        logged_in(ann_page, servers[0], ann)
        logged_in(bob_page, servers[1], bob)
        for page in browsers:
            open_chat(page, chat)

        box = ann_page.find_element(By.ID, "text")
        box.send_keys("hello from a real browser")
        wait_for(bob_page, lambda d: "Ann typing" in d.find_element(By.ID, "typing").text)
        box.submit()
        message = wait_for(
            bob_page,
            lambda d: [
                li
                for li in d.find_elements(By.CSS_SELECTOR, "#messages li")
                if "hello from a real browser" in li.text
            ],
        )[0]
        assert "Ann" in message.text
        wait_for(bob_page, lambda d: d.find_element(By.ID, "typing").text == "")

        message.find_element(By.CSS_SELECTOR, ".reactions button").click()
        wait_for(
            ann_page,
            lambda d: any(
                "👍 1" in li.text and "hello from a real browser" in li.text
                for li in d.find_elements(By.CSS_SELECTOR, "#messages li")
            ),
        )
