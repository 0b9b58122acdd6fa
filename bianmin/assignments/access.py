"""Who may do what with assigned tasks: everyone sees their own; the overseers see the board; the managers
(bianmin.org.access.MANAGERS) assign."""

from __future__ import annotations

from bianmin.org.models import Role

# See the board of every assigned task in scope (督办看板).
OVERSEERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
