import re
from pathlib import Path

import pytest
from django.test import Client

from bianmin.org.tests.factories import center

TEMPLATES = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/progress/"])
def test_pages_carry_a_content_security_policy_without_inline_scripts_and_refuse_framing(path):
    center(code="410108001")
    response = Client().get(path, follow=True)

    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None
    assert script_src.group(1).strip() == "'self'"
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for template in TEMPLATES.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            offenders.append(f"{template}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']|javascript:", text):
            offenders.append(f"{template}: {match.group(0)}")
    assert offenders == []
