"""Web hardening: deployment checks, security headers, generic error pages, no CDN."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import include, path

from kaohe.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

# The browser fixtures allow sync ORM calls beside Playwright's loop; a deployment never does.
DEPLOYED_ENVIRON = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    env = {**DEPLOYED_ENVIRON, "DJANGO_SETTINGS_MODULE": "kaohe.config.settings.production",
           "DJANGO_SECRET_KEY": "x7Gq2-pR9vLm4Tz8Kw1Yb6Hn3Jd5Fs0Ac-Ue7Io2Pl9Mk4Nj8Bh1Vg6Xc3Zr5Qt0Wy",
           "DJANGO_ALLOWED_HOSTS": "kaohe.gov.example", "REDIS_URL": "redis://127.0.0.1:6379/0",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kaohe_ci", "KAOHE_KEY_FILE": str(tmp_path / "k")}

    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_redis(tmp_path):
    env = {**DEPLOYED_ENVIRON, "DJANGO_SETTINGS_MODULE": "kaohe.config.settings.production",
           "DJANGO_SECRET_KEY": "x" * 60, "DATABASE_URL": "postgres://x@127.0.0.1/x", "REDIS_URL": ""}

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)

    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


@pytest.mark.parametrize("url", ["/login/", "/", "/people/", "/api/org/people", "/api/docs"])
def test_every_page_carries_the_security_headers(client, city, url):
    client.force_login(factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city))

    response = client.get(url, HTTP_HOST="127.0.0.1")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_logout_clears_the_browser(client, city):
    client.force_login(factories.user("zs", person=city.zhang_san))

    response = client.post("/logout/")

    assert "cookies" in response["Clear-Site-Data"]
    assert client.get("/").status_code == 302


def _boom(request):
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [path("boom/", _boom), path("", include("kaohe.config.urls"))]
handler500 = "kaohe.web.views.errors.server_error"


@override_settings(ROOT_URLCONF="tests.security.test_hardening", DEBUG=False)
def test_an_unexpected_error_shows_a_generic_page_without_traces():
    response = Client(raise_request_exception=False).get("/boom/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body
    assert "hunter2" not in body
    assert "系统出错了" in body


def test_no_page_template_or_module_links_to_an_outside_address():
    pattern = re.compile(r"https?://(?!127\.0\.0\.1|localhost|www\.w3\.org|www\.postgresql\.org)[\w.-]+")
    offenders = []
    for file in Path(settings.SRC_DIR, "kaohe").rglob("*"):
        if file.suffix in {".html", ".js", ".css"}:
            offenders += [f"{file}: {m}" for m in pattern.findall(file.read_text())]

    assert offenders == []
