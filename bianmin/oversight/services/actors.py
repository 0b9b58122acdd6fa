"""Who acts on oversight records: a signed-in user, an anonymous citizen, or the system."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

Actor = AbstractBaseUser | AnonymousUser | None


def acting_user(actor: Actor) -> User | None:
    """The user an event row names; None for a citizen or the system."""
    return actor if isinstance(actor, User) else None
