"""``GET /app/``: the live page, a demonstration of the API and the gateway for people.

One static page (plain HTML and JavaScript, no build step): the REST API with
the session cookie for reads and writes, the gateway at ``/ws/`` for what
happens meanwhile. Anonymous visitors are sent to the API's login page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required(login_url="/api-auth/login/")
@ensure_csrf_cookie  # the page's POSTs send it back in X-CSRFToken
def live_page(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/app.html")
