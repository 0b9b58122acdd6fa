from __future__ import annotations

# The SMS outbox fixture is the root conftest's (every test); the cases tests' fixtures serve the message tests.
from bianmin.cases.tests.conftest import clock, login, world  # noqa: F401
