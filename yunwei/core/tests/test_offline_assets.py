"""The bureau's intranet has no internet: no page or collected asset loads anything from outside."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CDN = re.compile(
    r"https?://(?:[\w-]+\.)*(?:cdn\.|unpkg\.com|cdnjs\.|jsdelivr\.net|fonts\.googleapis\.com|"
    r"fonts\.gstatic\.com|ajax\.googleapis\.com|code\.jquery\.com|bootcdn\.net|staticfile\.org)"
)
REMOTE_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']https?://""")


def test_collected_static_files_name_no_cdn(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    offenders = []
    for path in settings.STATIC_ROOT.rglob("*"):
        if path.suffix in {".js", ".mjs", ".css", ".html"} and path.is_file():
            if CDN.search(path.read_text(encoding="utf-8", errors="ignore")):
                offenders.append(str(path.relative_to(settings.STATIC_ROOT)))
    assert not offenders, offenders
    assert (settings.STATIC_ROOT / "vendor" / "bootstrap" / "css" / "bootstrap.min.css").exists()
    assert not (settings.STATIC_ROOT / "drf_spectacular_sidecar" / "redoc").exists()


def test_redoc_bundle_is_never_served():
    """Served files come from the same finders as collected ones (live server, DEBUG)."""
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js") is None
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js", True) == []


def test_templates_load_nothing_from_outside():
    roots = [Path(settings.BASE_DIR) / "yunwei"]
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*.html")
        if REMOTE_ATTRIBUTE.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


@pytest.mark.django_db
def test_api_docs_page_is_local_and_skips_the_public_validator(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert not CDN.search(page) and not REMOTE_ATTRIBUTE.search(page)
    assert '"validatorUrl": null' in page
