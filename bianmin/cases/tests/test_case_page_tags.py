# ruff: noqa: E501 — the old template loops, copied as they were
"""The case page's materials and timeline rows written in Python (`case_page` tags) give what the template
loops they replaced gave: the same cells, texts escaped alike, moments in the page's time zone."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from bianmin.cases.models import CaseEvent, CaseMaterial
from bianmin.cases.selectors import TimelineEntry
from bianmin.org.models import Staff

# The loops (and the reveal form's include) as detail.html had them.
OLD_MATERIALS = """{% load i18n %}{% for m in materials %}<tr>
    <td>{{ m.name }}<div class="small muted">{% if m.kind == "main" %}{% translate "主要材料" %}{% else %}{% translate "一般材料" %}{% endif %}{% if m.material_id is None %} · {% translate "网上预审告知" %}{% endif %}</div></td>
    <td>{% if m.presented %}{{ m.get_presented_form_display }}{% elif m.not_applicable %}<span class="muted">{% translate "不适用" %}</span>{% else %}<span class="tag-off">{% translate "未提交" %}</span>{% endif %}</td>
    <td>{% if m.received_at %}{{ m.received_by.name }} {{ m.received_at|date:"m-d H:i" }}{% else %}—{% endif %}</td>
    <td>{% if m.not_applicable %}—{% else %}{{ m.get_custody_display }}{% endif %}{% if m.location %}<div class="small muted">{{ m.location }}{% if m.custodian %} · {{ m.custodian.name }}{% endif %}</div>{% endif %}</td>
    <td>{% if m.custody == "held" and dispose_form %}
      <form method="post" action="{% url 'cases:material_dispose' m.pk %}" class="searchbar">{% csrf_token %}
        <select name="custody" aria-label="{% blocktranslate with name=m.name %}{{ name }}的处置方式{% endblocktranslate %}"><option value="returned">{% translate "退还申请人" %}</option><option value="archived">{% translate "归档" %}</option></select>
        <input name="location" placeholder="{% translate '归档位置' %}" aria-label="{% blocktranslate with name=m.name %}{{ name }}的归档位置{% endblocktranslate %}" style="min-width:8em">
        <button class="btn" type="submit">{% translate "登记" %}</button></form>
      {% elif m.disposed_at %}{{ m.disposed_by.name }} {{ m.disposed_at|date:"m-d H:i" }}<div class="small muted">{{ m.disposal_note }}</div>{% else %}—{% endif %}</td>
  </tr>{% endfor %}"""
OLD_TIMELINE = """{% for entry in timeline %}<li><time>{{ entry.event.created_at|date:"Y-m-d H:i" }}</time><strong>{{ entry.wording }}</strong>
    {% if entry.event.actor %} · {% if entry.event.actor.staff %}{{ entry.event.actor.staff.name }}{% else %}{{ entry.event.actor.username }}{% endif %}{% endif %}
    {% if entry.event.note %}<div class="small">{{ entry.event.note }}</div>{% endif %}</li>
  {% endfor %}"""
OLD_REVEAL = """{% load i18n %}<details class="inline small"><summary>{% translate "查看完整号码" %}</summary>
<form method="post" action="{% url 'cases:action' case.number 'reveal' %}" class="searchbar">{% csrf_token %}
  <input type="hidden" name="field" value="{{ field }}">
  <input name="reason" required maxlength="200" placeholder="{% translate '查看事由（将被记录）' %}">
  <button class="btn" type="submit">{% translate "查看" %}</button>
</form></details>"""
OLD_PERSONAL = """{% load i18n case_page %}<dd>{% if revealed.applicant_id_number %}<strong>{{ revealed.applicant_id_number }}</strong> <span class="small muted">{% translate "（已记录查看）" %}</span>{% else %}{% if d.masked_id %}{{ d.masked_id }} {% if dispose_form %}{% reveal_form case.number "applicant_id_number" %}{% endif %}{% else %}—{% endif %}{% endif %}</dd>|<dd>{% if revealed.applicant_phone %}<strong>{{ revealed.applicant_phone }}</strong> <span class="small muted">{% translate "（已记录查看）" %}</span>{% else %}{% if d.masked_phone %}{{ d.masked_phone }} {% if dispose_form %}{% reveal_form case.number "applicant_phone" %}{% endif %}{% else %}—{% endif %}{% endif %}</dd>"""
OLD_NOTICES = """{% load i18n %}{% for n in d.notices %}<p>{{ n.get_kind_display }} <strong>{{ n.number }}</strong> · {{ n.issued_at|date:"Y-m-d H:i" }} · {{ n.issued_by.name }}
    <a class="btn" href="{% url 'cases:notice_print' case.number n.pk %}" target="_blank">{% translate "打印" %}</a>
    <a class="btn" href="{% url 'cases:notice_pdf' case.number n.pk %}" target="_blank">PDF</a></p>
  {% empty %}<p class="muted">{% translate "尚未出具告知单。" %}</p>{% endfor %}|<ul class="explain">{% for line in d.deadline.lines %}<li>{{ line }}</li>{% endfor %}</ul>"""
OLD_FACTS = """{% load i18n case_page %}<dt>{% translate "申请人" %}</dt><dd>{{ case.applicant_name }}（{{ case.get_applicant_kind_display }}）</dd>
    {% if case.applicant_kind == "organization" %}<dt>{% translate "统一社会信用代码" %}</dt><dd>{{ case.applicant_credit_code }}</dd><dt>{% translate "联系人" %}</dt><dd>{{ case.contact_name }}</dd>
    {% else %}<dt>{% translate "公民身份号码" %}</dt><dd>{% personal_value "applicant_id_number" %}</dd>{% endif %}
    <dt>{% translate "联系电话" %}</dt><dd>{% personal_value "applicant_phone" %}</dd>
    {% if reveal_error %}<dt></dt><dd class="errors">{{ reveal_error }}</dd>{% endif %}
    <dt>{% translate "受理中心" %}</dt><dd>{{ case.center.display_hall_name }}</dd>
    <dt>{% translate "受理窗口" %}</dt><dd>{{ case.window|default:"—" }}</dd>
    <dt>{% translate "首问接待人" %}</dt><dd>{{ case.received_by.name }}（{{ case.received_at|date:"Y-m-d H:i" }}）</dd>
    <dt>{% translate "经办人" %}</dt><dd>{{ case.assignee.name|default:"—" }}</dd>
    {% if case.accepted_at %}<dt>{% translate "受理时间" %}</dt><dd>{{ case.accepted_at|date:"Y-m-d H:i" }}（{{ case.accepted_by.name }}）</dd>{% endif %}
    {% if d.proxy %}<dt>{% translate "代办" %}</dt><dd>{{ d.proxy.agent.name }}，{% translate "委托书" %} {{ d.proxy.document }}（{{ d.proxy.authorized_on|date:"Y-m-d" }}，{{ d.proxy.scope }}）</dd>{% endif %}
    {% if case.result %}<dt>{% translate "办理结果" %}</dt><dd>{{ case.result }}</dd>{% endif %}
    {% if case.refusal_reason %}<dt>{% translate "不予受理原因" %}</dt><dd>{{ case.refusal_reason }}</dd>{% endif %}"""
NEW = "{% load case_page %}{% material_rows materials can_dispose %}|{% timeline_items timeline %}"


def _flat(html: str) -> str:
    """Markup without the layout's whitespace and the new cells' column names."""
    html = re.sub(r' data-label="[^"]*"', "", html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).replace("> ", ">").replace(" <", "<").strip()


def _materials() -> list[CaseMaterial]:
    clerk, keeper = Staff(pk=7, name="何春燕"), Staff(pk=8, name="康<梦>婷 & Co")
    at = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing
    return [
        CaseMaterial(pk=1, material_id=11, name="居民身份证", kind="main", presented=True, presented_form="original",
                     received_at=at, received_by=clerk, custody="returned"),
        CaseMaterial(pk=2, material_id=12, name="申请表<附表>", kind="general", not_applicable=True),
        CaseMaterial(pk=3, material_id=None, name="户口簿", kind="general", custody="not_received"),
        CaseMaterial(pk=4, material_id=14, name='房产证"复印件"', kind="main", presented=True, presented_form="copy",
                     received_at=at, received_by=clerk, custody="held", location="A柜 3 层", custodian=keeper),
        CaseMaterial(pk=5, material_id=15, name="近期照片", kind="general", presented=True, presented_form="both",
                     received_at=at, received_by=None, custody="archived", location="档案室", custodian=None,
                     disposed_at=at + dt.timedelta(days=40), disposed_by=keeper, disposal_note="归档 <2026> 第 3 号"),
    ]  # fmt: skip


def _timeline() -> list[TimelineEntry]:
    user_model = get_user_model()
    staffed = user_model(username="clerk1")
    Staff(name="何春燕", user=staffed)
    at = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 2027-01-01 00:30 in Beijing
    return [
        TimelineEntry(CaseEvent(actor=staffed, created_at=at, note=""), "受理"),
        TimelineEntry(
            CaseEvent(actor=user_model(username="sys<admin>"), created_at=at, note="补正 <材料> & 说明"), "补正"
        ),
        TimelineEntry(CaseEvent(actor=None, created_at=at, note=""), "系统<提醒>"),
    ]


def test_the_rows_written_in_python_equal_the_template_loops():
    request = RequestFactory().get("/")
    timezone.activate("Asia/Shanghai")
    try:
        for dispose in (True, False):
            context = {
                "materials": _materials(),
                "timeline": _timeline(),
                "dispose_form": object() if dispose else None,  # the old loops' name
                "can_dispose": dispose,
                "csrf_token": "tok&en",
                "request": request,
            }
            old = (
                Template(OLD_MATERIALS).render(Context(context)) + "|" + Template(OLD_TIMELINE).render(Context(context))
            )
            new = Template(NEW).render(Context(context))
            assert _flat(new) == _flat(old), dispose
            assert ("<form" in new) is dispose
            assert "09:05" in new
            assert "2027-01-01 00:30" in new
            assert "康&lt;梦&gt;婷 &amp; Co" in new
            assert "sys&lt;admin&gt;" in new
    finally:
        timezone.deactivate()


def test_each_material_cell_names_its_column_for_the_phone_layout():
    html = Template(NEW).render(Context({"materials": _materials()[:1], "timeline": [], "can_dispose": False}))
    assert re.findall(r'data-label="([^"]*)"', html) == ["材料", "提交", "接收", "保管", "处置"]


def test_the_at_filter_writes_what_the_date_filter_wrote():
    """`|at` in place of `|date` on the case page: the same text for every format the page shows, in the page's time
    zone (moments on either side of midnight in Beijing, dates, nothing), and `date` itself for any other format."""
    moments = [
        dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC),  # 23:59 on 1 March in Beijing
        dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC),  # 00:00 on 2 March
        dt.datetime(2026, 12, 31, 16, 5, tzinfo=dt.UTC),  # the new year in Beijing, not yet in UTC
        dt.date(2026, 2, 9),
        None,
        "",
    ]
    formats = ["Y-m-d H:i", "m-d H:i", "Y-m-d", "Y年n月j日 H:i", "n月j日"]
    for zone in ("Asia/Shanghai", "UTC"):
        with timezone.override(zone):
            for fmt in formats:
                old = Template(f'{{{{ v|date:"{fmt}" }}}}')
                new = Template(f'{{% load case_page %}}{{{{ v|at:"{fmt}" }}}}')
                for v in moments:
                    if isinstance(v, dt.date) and not isinstance(v, dt.datetime) and "H" in fmt:
                        continue  # the page gives no date an hour
                    context = {"v": v}
                    assert new.render(Context(context)) == old.render(Context(context)), (zone, fmt, v)


def test_the_reveal_form_is_what_its_include_wrote():
    request = RequestFactory().get("/")
    request.user = get_user_model()(username="x")
    context = {"case": type("C", (), {"number": "410108001-2026-00012"})(), "request": request}
    old = Template(OLD_REVEAL).render(Context({**context, "field": "applicant_phone"}))
    new = Template('{% load case_page %}{% reveal_form case.number "applicant_phone" %}').render(Context(context))
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", _flat(new)) == csrf.sub("", _flat(old))
    assert 'action="/staff/cases/c/410108001-2026-00012/reveal/"' in new


def test_the_applicants_numbers_show_as_the_template_showed_them():
    """Whole once revealed, masked with the reveal form for whoever may see them whole, masked alone for anyone
    else, "—" when none is on record: for the ID number and the phone alike."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(username="x")
    new = Template(
        '{% load case_page %}<dd>{% personal_value "applicant_id_number" %}</dd>|'
        '<dd>{% personal_value "applicant_phone" %}</dd>'
    )
    case = type("C", (), {"number": "410108001-2026-00012"})()
    masked = type("D", (), {"masked_id": "1101**********5X<", "masked_phone": "139****1234"})()
    nothing = type("D", (), {"masked_id": "", "masked_phone": ""})()
    seen: set[str] = set()
    for d in (masked, nothing):
        for dispose in (object(), None):
            for revealed in (None, {"applicant_phone": "13903711234<"}, {"applicant_id_number": "11010519491231002X"}):
                context = {"case": case, "request": request, "d": d, "revealed": revealed}
                context.update(dispose_form=dispose, can_dispose=dispose is not None)  # the old name and the new
                old, mine = Template(OLD_PERSONAL).render(Context(context)), new.render(Context(context))
                csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
                assert csrf.sub("", _flat(mine)) == csrf.sub("", _flat(old)), (d, dispose, revealed)
                seen.add(mine)
    assert any("<details" in html for html in seen)  # the reveal form shown where it may be
    assert any("13903711234&lt;" in html and "（已记录查看）" in html for html in seen)
    assert any("1101**********5X&lt;" in html and "<details" not in html for html in seen)
    assert any(html == "<dd>—</dd>|<dd>—</dd>" for html in seen)


def test_the_notices_and_the_deadlines_lines_show_as_the_template_loops_showed_them():
    from bianmin.cases.models import Notice

    clerk = Staff(pk=7, name="何<春燕>")
    at = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 2027-01-01 00:30 in Beijing
    notices = [
        Notice(pk=3, kind="acceptance", number="SL511601001-2026-00323", issued_at=at, issued_by=clerk),
        Notice(pk=4, kind="supplement", number="BZ<1>", issued_at=at, issued_by=Staff(pk=8, name="康梦婷")),
    ]
    new = Template(
        '{% load case_page %}{% notice_lines d.notices case.number %}|<ul class="explain">{{ d.deadline.lines|list_items }}</ul>'
    )
    case = type("C", (), {"number": "511601001-2026-00012"})()
    timezone.activate("Asia/Shanghai")
    try:
        for shown in (notices, notices[:1], []):
            lines = ["受理时间 2026-12-31 17:00", "承诺时限 5 个工作日 <含>"] if shown else []
            d = type("D", (), {"notices": shown, "deadline": type("L", (), {"lines": lines})()})()
            context = {"case": case, "d": d}
            old, mine = Template(OLD_NOTICES).render(Context(context)), new.render(Context(context))
            assert _flat(mine) == _flat(old), shown
        assert "2027-01-01 00:30" in mine or not shown
    finally:
        timezone.deactivate()
    html = new.render(Context({"case": case, "d": type("D", (), {"notices": notices, "deadline": None})()}))
    assert "何&lt;春燕&gt;" in html
    assert "BZ&lt;1&gt;" in html
    assert 'href="/staff/cases/c/511601001-2026-00012/notices/3/print/"' in html
    assert 'href="/staff/cases/c/511601001-2026-00012/notices/4/pdf/"' in html


def test_the_case_facts_show_as_the_template_showed_them():
    """A person's case and an organization's, before and after acceptance, with and without window, handler, proxy,
    result, refusal and a refused reveal: the same list, every text escaped alike, moments in Beijing time."""
    from bianmin.cases.models import Case, ProxyAuthorization
    from bianmin.org.models import OrgUnit, Window

    request = RequestFactory().get("/")
    request.user = get_user_model()(username="x")
    center = OrgUnit(name="长兴路街道", hall_name="长兴路街道便民服务中心")
    clerk, agent = Staff(pk=7, name="何<春燕>"), Staff(pk=9, name="代办员 & 志愿者")
    at = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 2027-01-01 00:30 in Beijing
    window = Window(number=2, name="民政<窗口>")

    def case(**kw: object) -> Case:
        c = Case(number="511601001-2026-00012", applicant_name="李<桂兰>", applicant_kind="person", center=center,
                 received_by=clerk, received_at=at, contact_name="王 & 五", applicant_credit_code="91410100MA<X>")  # fmt: skip
        for k, v in kw.items():
            setattr(c, k, v)
        return c

    proxy = ProxyAuthorization(
        agent=agent, document="WT<001>", authorized_on=dt.date(2026, 12, 30), scope="全部 & 事项"
    )
    shapes = [
        (case(), None, ""),
        (case(window=window, assignee=clerk, accepted_at=at, accepted_by=clerk), proxy, ""),
        (case(applicant_kind="organization", result="准予 <登记>", refusal_reason="材料 & 不符"), None, "须填写事由<>"),
        (case(window=window, accepted_at=at), proxy, "须填写事由"),
    ]
    new = Template("{% load case_page %}{% case_facts case d %}")
    timezone.activate("Asia/Shanghai")
    try:
        for c, p, error in shapes:
            for dispose in (True, False):
                d = type("D", (), {"proxy": p, "masked_id": "1101**********5X", "masked_phone": "139****1234"})()
                context = {"case": c, "d": d, "request": request, "can_dispose": dispose, "reveal_error": error}
                old, mine = Template(OLD_FACTS).render(Context(context)), new.render(Context(context))
                csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
                assert csrf.sub("", _flat(mine)) == csrf.sub("", _flat(old)), (c.applicant_kind, p, error, dispose)
        assert "2027-01-01 00:30" in mine
        assert "李&lt;桂兰&gt;" in mine
        assert "代办员 &amp; 志愿者" in mine
    finally:
        timezone.deactivate()
