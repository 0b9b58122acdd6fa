import pytest
from django.test import RequestFactory

from bianmin.core.http import client_ip


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "192.0.2.1", "203.0.113.7"),  # no proxy trusted: the header is the client's word
        (1, "10.0.0.1", "203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.1", "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # a spoofed entry on the left is ignored
        (2, "10.0.0.2", "192.0.2.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
