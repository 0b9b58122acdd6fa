"""Public look-ups by a number and a phone tail (办件进度, 投诉答复): failed attempts are counted per client and per
number in the shared cache, so guessing is slow from one address and slow against one number from many."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from bianmin.core.http import client_ip


@dataclass(frozen=True)
class LookupThrottle:
    namespace: str
    client_limit: int = 10  # failed attempts per client per window
    number_limit: int = 20  # failed attempts on one number per window, whoever tries
    seconds: int = 15 * 60

    def client_key(self, request: HttpRequest) -> str:
        ip = client_ip(request)  # behind the reverse proxy: the citizen's address, not the proxy's
        return f"{self.namespace}:ip:" + hashlib.sha256(ip.encode()).hexdigest()[:32]

    def number_key(self, number: str) -> str:
        return f"{self.namespace}:no:" + hashlib.sha256(number.strip().upper().encode()).hexdigest()[:32]

    def blocked(self, *keys: str) -> bool:
        """A client with too many failures is refused. A number with too many failures (guessed from many addresses)
        is refused only to clients that have failed before: a citizen asking from a clean address still gets an
        answer, while a guesser gets at most one try per fresh address."""
        failures = max([cache.get(key) or 0 for key in keys if ":ip:" in key] or [0])
        if failures >= self.client_limit:
            return True
        return failures > 0 and any((cache.get(key) or 0) >= self.number_limit for key in keys if ":no:" in key)

    def fail(self, *keys: str) -> None:
        for key in keys:
            if not cache.add(key, 1, self.seconds):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, self.seconds)
