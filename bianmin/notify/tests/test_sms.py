import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bianmin.notify.sms import FileSmsBackend, HttpSmsBackend, SmsError, sms_backend

PHONE = "13812345678"


def test_file_backend_writes_one_masked_line_per_message(tmp_path):
    backend = FileSmsBackend(FILE=str(tmp_path / "sms.log"), SIGNATURE="长兴路街道便民服务中心")

    backend.send(phone=PHONE, text="您的办件已办结。\n请领取。", reference="BM1-abc")
    backend.send(phone="13900000000", text="第二条", reference="BM2-def")

    lines = (tmp_path / "sms.log").read_text().splitlines()
    assert len(lines) == 2
    assert lines[0].split("\t")[1:] == ["BM1-abc", "138****5678", "【长兴路街道便民服务中心】您的办件已办结。 请领取。"]
    assert PHONE not in (tmp_path / "sms.log").read_text()


def test_backend_comes_from_settings(settings, tmp_path):
    settings.BIANMIN_SMS = {"BACKEND": "bianmin.notify.sms.FileSmsBackend", "FILE": str(tmp_path / "x.log")}

    backend = sms_backend()

    assert isinstance(backend, FileSmsBackend)
    assert backend.path == tmp_path / "x.log"


class Gateway(BaseHTTPRequestHandler):
    answers: list[tuple[int, str]] = []
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Gateway.received.append({"body": json.loads(self.rfile.read(length)), "auth": self.headers["Authorization"]})
        status, body = Gateway.answers.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.answers, Gateway.received = [], []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield HttpSmsBackend(
        URL=f"http://127.0.0.1:{server.server_port}/send", KEY="k-123", SIGNATURE="便民服务中心", TIMEOUT=5
    )
    server.shutdown()
    server.server_close()


def test_http_backend_posts_number_text_signature_and_reference(gateway):
    Gateway.answers = [(200, '{"code": 0, "id": "gw-77"}')]

    receipt = gateway.send(phone=PHONE, text="您好", reference="BM9-x")

    assert receipt.gateway_id == "gw-77"
    assert Gateway.received == [
        {"body": {"to": PHONE, "sign": "便民服务中心", "content": "您好", "ref": "BM9-x"}, "auth": "Bearer k-123"}
    ]


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (500, "internal error", True),
        (503, "", True),
        (429, '{"message": "too many"}', True),
        (400, f'{{"message": "invalid number {PHONE}"}}', False),
        (200, f'{{"code": "E12", "message": "号码 {PHONE} 已停机"}}', False),
    ],
)
def test_http_backend_errors_are_classified_and_never_show_the_number(gateway, status, body, retryable):
    Gateway.answers = [(status, body)]

    with pytest.raises(SmsError) as caught:
        gateway.send(phone=PHONE, text="您好", reference="BM9-x")

    assert caught.value.retryable is retryable
    assert PHONE not in str(caught.value)


def test_http_backend_unreachable_gateway_is_retryable():
    backend = HttpSmsBackend(URL="http://127.0.0.1:9/send", KEY="k", TIMEOUT=1)

    with pytest.raises(SmsError) as caught:
        backend.send(phone=PHONE, text="您好", reference="r")

    assert caught.value.retryable


def test_http_backend_without_url_is_a_configuration_error():
    with pytest.raises(SmsError, match="未配置"):
        HttpSmsBackend(URL="", KEY="k")
