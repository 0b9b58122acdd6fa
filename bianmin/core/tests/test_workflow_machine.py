import pytest
from django.db import models

from bianmin.core.workflow import StateError, StateMachine


class Light(models.TextChoices):
    RED = "red", "红灯"
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"


LIGHT = StateMachine(Light, {Light.RED: {Light.GREEN}, Light.GREEN: {Light.YELLOW}, Light.YELLOW: {Light.RED}})


class Lamp:
    status = Light.RED


def test_move_assigns_after_the_check_and_returns_the_previous_state():
    lamp = Lamp()

    assert LIGHT.move(lamp, Light.GREEN, "放行") == Light.RED
    assert lamp.status == Light.GREEN


def test_a_forbidden_move_is_refused_in_chinese_and_changes_nothing():
    lamp = Lamp()

    with pytest.raises(StateError) as refused:
        LIGHT.move(lamp, Light.YELLOW, "转黄")

    assert lamp.status == Light.RED
    assert "当前状态为“红灯”，不能转黄" in refused.value.messages[0]


def test_every_state_has_an_entry_and_unknown_states_are_a_programming_error():
    assert LIGHT.targets(Light.GREEN) == {Light.YELLOW}
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine(Light, {Light.RED: {"blue"}})
