"""Security headers on real responses (pages, API, static files, error pages, admin, API
docs), no inline code in templates, production's HSTS and cookies, uploads and downloads."""

import email.message
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from portal.uploads import private_storage, validate_pdf

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {part.strip() for part in csp.split(";")}
    assert directives == {part.strip() for part in CSP.split(";")}, csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


@pytest.fixture
def logged_in(client, ministry):
    client.force_login(ministry)
    return client


@pytest.mark.parametrize(
    "path", ["/", "/profile/", "/api/docs/", "/programme/", "/delegations/visits/", "/mou/"]
)
def test_pages_carry_the_security_headers(logged_in, path):
    response = logged_in.get(path, follow=True)

    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


def test_login_page_and_anonymous_redirects_carry_them(client):
    assert_security_headers(client.get("/accounts/login/"))
    assert_security_headers(client.get("/profile/"))


def test_api_responses_carry_them(api_as, ministry):
    client = api_as(ministry)

    assert_security_headers(client.get(reverse("api:me")))
    assert_security_headers(Client().get(reverse("api:me")))  # 401


def test_static_files_carry_them(client):
    response = client.get("/static/portal/css/portal.css")
    response.close()

    assert response.status_code == 200
    assert_security_headers(response)


def test_error_pages_carry_them(logged_in):
    response = logged_in.get("/no-such-page/")

    assert response.status_code == 404
    assert_security_headers(response)


def test_admin_carries_them(client, administrator):
    client.force_login(administrator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert_security_headers(response)


def test_api_docs_init_script_is_a_separate_file(logged_in):
    page = logged_in.get(reverse("api-docs"))
    html = page.content.decode()
    assert "<style" not in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == []

    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    script = logged_in.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if "@page" in text and "{% extends" not in text:
            continue  # a PDF document for WeasyPrint, never served to a browser
        offenders.extend(
            f"{template.relative_to(ROOT)}: {pattern}"
            for pattern in (
                r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
                r"\sstyle=",
                r"<style",
            )
            if re.search(pattern, text)
        )

    assert offenders == []


PRODUCTION_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_HTTPONLY, "
    "s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_DOMAIN, "
    "s.REQUIRE_2FA_FOR_PRIVILEGED, s.SECURE_SSL_REDIRECT)"
)


def _production(code: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REQUIRE_2FA_FOR_PRIVILEGED"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="p" * 30 + "-production-secret-for-tests-0123456789",
        ALLOWED_HOSTS="portal.health.gov.pk",
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_send_hsts_and_secure_host_cookies():
    result = _production(PRODUCTION_SETTINGS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000", "True", "True", "True", "__Host-sessionid", "__Host-csrftoken",
        "True", "True", "Lax", "None", "True", "True",
    ]  # fmt: skip


PRODUCTION_RESPONSE = """
import django; django.setup()
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
from django.test import Client
r = Client().get("/accounts/login/", secure=True, HTTP_HOST="portal.health.gov.pk")
print(r.status_code)
print(r["Strict-Transport-Security"])
print(r["Content-Security-Policy"])
for name, morsel in r.cookies.items():
    print(name, bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"], morsel["path"], repr(morsel["domain"]))
"""


def test_a_production_response_has_hsts_and_host_prefixed_secure_cookies():
    result = _production(PRODUCTION_RESPONSE)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0] == "200"
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in lines[2]
    assert "__Host-csrftoken True True Lax / ''" in lines[3:]


# Uploads and downloads.

PDF = b"%PDF-1.4\nhello\n%%EOF\n"


def test_uploads_are_refused_by_content_and_size(settings):
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf(SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"), field="file")
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf(SimpleUploadedFile("x.pdf", b"<html><script>", "application/pdf"), field="f")
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        validate_pdf(big, field="file")
    validate_pdf(SimpleUploadedFile("ok.pdf", PDF), field="file")


def test_uploaded_files_have_no_public_url(logged_in):
    storage = private_storage()
    name = storage.save("mou/secret.pdf", SimpleUploadedFile("secret.pdf", PDF))

    with pytest.raises(ValueError, match="Private files"):
        storage.url(name)
    for path in (f"/media/private/{name}", f"/media/{name}", f"/private/{name}"):
        assert logged_in.get(path).status_code == 404


@pytest.mark.parametrize(
    "name",
    ['report "final".pdf', "evil\r\nSet-Cookie: x=1.pdf", "تقرير-报告-ü.pdf", "a;b=c\\.pdf"],
)
def test_download_names_are_encoded_safely(name, tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(PDF)

    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    header = response["Content-Disposition"]
    response.close()

    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith("attachment; filename")
    # A mail parser (RFC 2231 / 6266 rules) reads back exactly the name: quotes and backslashes
    # are escaped inside a quoted string, anything else is percent-encoded in filename*.
    message = email.message.Message()
    message["Content-Disposition"] = header
    assert message.get_filename() == name


def test_signed_copy_download_name_is_safe_for_a_hostile_title(client, ministry, approver):
    from mou.models import Mou, SignedCopy
    from tests.factories import MouFactory

    mou = MouFactory(title='Evil "quoted"\r\nX-Injected: 1 — 基因组学 MoU')
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.SIGNED)
    copy = SignedCopy(mou=mou, sha256="0" * 64, size=len(PDF), uploaded_by=ministry)
    copy.file.save("s.pdf", SimpleUploadedFile("s.pdf", PDF), save=False)
    copy.save()
    client.force_login(ministry)

    response = client.get(reverse("mou:signed-copy-download", args=[mou.pk]))

    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\n" not in header
    assert "X-Injected" not in response.headers
    assert header.startswith("attachment; filename=")
    assert '"quoted"' not in header
    assert b"".join(response.streaming_content) == PDF
