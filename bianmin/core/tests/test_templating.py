"""The remembered `translate` and `url` tags (bianmin.core.templating) render what Django's own tags render, in
every language, and follow a change of URL configuration or script prefix."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, engines
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from bianmin.core.templating.i18n import StaticTranslateNode
from bianmin.core.templating.urls import RememberedURLNode

# Django's own engine (its i18n library, its url tag), to compare with.
DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"})


def ours(source: str) -> Template:
    return engines["django"].from_string(source).template  # type: ignore[attr-defined]


def both(source: str, context: dict[str, object] | None = None) -> tuple[str, str]:
    return ours(source).render(Context(context or {})), DJANGO.from_string(source).render(Context(context or {}))


LABELS = (
    '{% load i18n %}{% translate "January" %}|{% translate "May" context "abbrev. month" %}|'
    '{% trans "100% 按时" %}|{% translate "January" noop %}|{% translate "January" as m %}[{{ m }}]|'
    '{% translate name %}|{% translate "Ja<n>" %}|{% translate "January"|upper %}'
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "一月|五月|100% 按时|January|[一月]|二月|Ja<n>|一月"),
        ("en", "January|May|100% 按时|January|[January]|February|Ja<n>|JANUARY"),
    ],
)
def test_labels_render_as_djangos_own_tags_in_each_language(language: str, expected: str) -> None:
    with translation.override(language):
        for _ in range(3):  # remembered after the first render: the same each time
            mine, django = both(LABELS, {"name": "February"})
            assert mine == django
        assert mine == expected


def test_the_same_node_gives_each_language_its_own_text() -> None:
    t = ours('{% load i18n %}{% translate "January" %}')
    with translation.override("zh-hans"):
        assert t.render(Context()) == "一月"
    with translation.override("en"):
        assert t.render(Context()) == "January"
    with translation.override("zh-hans"):
        assert t.render(Context()) == "一月"


def test_a_language_block_renders_its_labels_in_its_own_language() -> None:
    """The language is asked once per render (`state.render_state`), and again inside `{% language %}`: the labels
    before, inside and after the block each in their own language, as Django's own tags give them, whichever
    language the block names on each render."""
    source = (
        '{% load i18n %}{% translate "January" %}|{% language lang %}{% translate "January" %}|'
        '{% url "cases:detail" "N1" %}{% endlanguage %}|{% translate "January" %}|{% translate "May" %}'
    )
    t = ours(source)
    with translation.override("zh-hans"):
        for lang, expected in [
            ("en", "一月|January|/staff/cases/c/N1/|一月|五月"),
            ("zh-hans", "一月|一月|/staff/cases/c/N1/|一月|五月"),
        ] * 2:
            assert t.render(Context({"lang": lang})) == DJANGO.from_string(source).render(Context({"lang": lang}))
            assert t.render(Context({"lang": lang})) == expected


def test_a_language_block_keeps_the_blocks_of_an_inheriting_template() -> None:
    """The fresh state of `{% language %}` sets aside only this package's entry of the render context: a block inside
    it is still the inheriting template's."""
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    parent = engine.from_string(
        '{% load i18n %}[{% language "en" %}{% block body %}parent{% endblock %}{% endlanguage %}]'
    )
    child = engine.from_string(
        '{% extends parent %}{% block body %}{% load i18n %}{% translate "January" %}{% endblock %}'
    )
    with translation.override("zh-hans"):
        assert child.render(Context({"parent": parent})) == "[January]"


def test_only_quoted_texts_are_remembered() -> None:
    nodes = ours('{% load i18n %}{% translate "January" %}{% translate name %}{% translate "x"|upper %}').nodelist
    kinds = [type(n) for n in nodes if "Translate" in type(n).__name__]
    assert kinds[0] is StaticTranslateNode
    assert StaticTranslateNode not in kinds[1:]


def test_autoescape_of_a_quoted_label_follows_djangos_own() -> None:
    source = '{% load i18n %}{% autoescape off %}{% translate "a<b>" %}{% endautoescape %}{% translate "a<b>" %}'
    assert both(source)[0] == both(source)[1]


URLS = "{% url 'cases:detail' number %}|{% url 'cases:detail' number=number %}|{% url 'web:health' %}"


def test_urls_are_those_django_reverses_and_escaped_alike() -> None:
    for number in ["410108001-2026-00002", "A&B<1>", "410108001-2026-00003"]:
        mine, django = both(URLS, {"number": number})
        assert mine == django
        assert reverse("cases:detail", args=[number]) in mine.replace("&amp;", "&").replace("&lt;", "<").replace(
            "&gt;", ">"
        )


def test_a_url_that_cannot_be_reversed_fails_as_in_django() -> None:
    with pytest.raises(NoReverseMatch):
        ours("{% url 'cases:no_such_view' %}").render(Context())
    assert ours("{% url 'cases:no_such_view' as u %}[{{ u }}]").render(Context()) == "[]"
    found = ours("{% url 'cases:detail' 'x' as u %}[{{ u }}]").render(Context())
    assert found == f"[{reverse('cases:detail', args=['x'])}]"


def test_a_url_follows_the_script_prefix_and_the_url_configuration() -> None:
    t = ours("{% url 'cases:detail' 'N1' %}")
    plain = t.render(Context())
    set_script_prefix("/bianmin/")
    try:
        assert t.render(Context()) == "/bianmin" + plain
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert t.render(Context()) == plain
    with override_settings(ROOT_URLCONF="bianmin.core.tests.urls_other"):
        assert ours("{% url 'other' 'N1' %}").render(Context()) == "/other/N1/"
    assert t.render(Context()) == plain


def test_every_url_tag_is_the_remembered_one() -> None:
    node = ours("{% url 'web:health' %}").nodelist[0]
    assert isinstance(node, RememberedURLNode)


def test_static_urls_are_those_django_gives_and_follow_a_changed_static_url(settings):
    source = "{% load static %}{% static 'web/bianmin.css' %}|{% static name %}|{% static 'a b&c.css' as u %}[{{ u }}]"
    context: dict[str, object] = {"name": "web/icons/icon.svg"}
    mine, django = both(source, context)
    assert mine == django
    assert "/static/web/bianmin.css" in mine or "/static/web/bianmin." in mine
    settings.STATIC_URL = "/assets/"
    mine_after, django_after = both(source, context)
    assert mine_after == django_after
    assert mine_after.startswith("/assets/")


def test_every_static_tag_is_the_remembered_one() -> None:
    from bianmin.core.templating.static import RememberedStaticNode

    assert isinstance(ours("{% load static %}{% static 'x.css' %}").nodelist[1], RememberedStaticNode)


def test_the_libraries_mounted_in_place_of_djangos_pass_the_check_and_any_other_clash_still_warns() -> None:
    from bianmin.core.templating.backend import DjangoTemplates

    mine = engines["django"]
    assert mine._check_for_template_tags_with_the_same_name() == []  # type: ignore[attr-defined]
    clash = DjangoTemplates(
        {
            "NAME": "clash",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {
                "libraries": {"months": "bianmin.core.templating.i18n", "i18n": "bianmin.core.templating.i18n"}
            },
        }
    )
    warned = clash._check_for_template_tags_with_the_same_name()
    assert [w.id for w in warned] == ["templates.W003"]
    assert "'months'" in warned[0].msg
