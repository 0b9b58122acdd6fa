from __future__ import annotations

from django.core.checks import run_checks

from bianmin.core.checks import listeners_import


def test_the_configured_listeners_all_import():
    assert listeners_import() == []
    assert [m for m in run_checks() if m.id and m.id.startswith("bianmin.")] == []


def test_a_listener_that_cannot_be_imported_is_a_startup_error(settings):
    settings.BIANMIN_CASE_LISTENERS = ["bianmin.notify.case_listener.no_such_listener"]

    errors = listeners_import()

    assert [e.id for e in errors] == ["bianmin.E002"]
    assert "BIANMIN_CASE_LISTENERS" in errors[0].msg
    assert "no_such_listener" in errors[0].msg


def test_a_missing_module_and_a_non_callable_are_errors(settings):
    settings.BIANMIN_HALL_LISTENERS = ["bianmin.no_such_app.listener.on_event", "bianmin.core.listeners.logger"]

    assert [e.id for e in listeners_import()] == ["bianmin.E002", "bianmin.E003"]


def test_a_single_string_instead_of_a_list_is_an_error(settings):
    settings.BIANMIN_STAFFING_LISTENERS = "bianmin.notify.staffing_listener.on_staffing_event"

    assert [e.id for e in listeners_import()] == ["bianmin.E001"]


def test_intake_sources_and_case_channels_are_checked_too(settings):
    settings.BIANMIN_INTAKE_SOURCES = ["bianmin.frontdesk.intake.NO_SUCH_SOURCE"]
    settings.BIANMIN_CASE_CHANNELS = ["bianmin.api.channel.OPEN311"]  # an object, not a callable: fine here

    errors = listeners_import()

    assert [e.id for e in errors] == ["bianmin.E002"]
    assert "BIANMIN_INTAKE_SOURCES" in errors[0].msg


def test_an_unknown_plan_cache_mode_is_refused_at_startup(settings):
    from bianmin.core.checks import plan_cache_mode

    assert plan_cache_mode() == []  # the default, force_custom_plan
    for value in ("auto", "force_generic_plan"):
        settings.DATABASE_PLAN_CACHE_MODE = value
        assert plan_cache_mode() == []
    settings.DATABASE_PLAN_CACHE_MODE = "force_custom"  # a typo: PostgreSQL's default would be left in place
    [error] = plan_cache_mode()
    assert error.id == "bianmin.E015"
    assert "force_custom" in error.msg
    assert "force_custom_plan" in (error.hint or "")
