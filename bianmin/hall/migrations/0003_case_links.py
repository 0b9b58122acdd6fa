"""Home visits and proxy registrations link their case by foreign key instead of by the number typed in.

Existing numbers are matched to cases; a home visit whose outcome started a case marks that case as received at
home. A number that matches no case is kept in the row's note, not dropped."""

import django.db.models.deletion
from django.db import migrations, models


def link_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    HomeVisit = apps.get_model("hall", "HomeVisit")
    ProxyCase = apps.get_model("hall", "ProxyCase")
    for visit in HomeVisit.objects.exclude(case_number=""):
        case = Case.objects.filter(number=visit.case_number.strip()).first()
        if case is None:
            visit.outcome_note = f"{visit.outcome_note}（原登记办件编号：{visit.case_number}，未找到对应办件）".strip()
            visit.save(update_fields=["outcome_note"])
            continue
        visit.case = case
        visit.save(update_fields=["case"])
        if visit.outcome == "case_started" and not case.received_at_home:
            case.received_at_home = True
            case.save(update_fields=["received_at_home"])
    for proxy in ProxyCase.objects.exclude(case_number=""):
        case = Case.objects.filter(number=proxy.case_number.strip()).first()
        if case is None:
            proxy.authorization_note = (
                f"{proxy.authorization_note}（原登记办件编号：{proxy.case_number}，未找到对应办件）".strip()
            )
            proxy.save(update_fields=["authorization_note"])
            continue
        proxy.case = case
        proxy.save(update_fields=["case"])


def unlink_cases(apps, schema_editor):
    HomeVisit = apps.get_model("hall", "HomeVisit")
    ProxyCase = apps.get_model("hall", "ProxyCase")
    for row in [*HomeVisit.objects.exclude(case=None).select_related("case")]:
        row.case_number = row.case.number
        row.save(update_fields=["case_number"])
    for row in [*ProxyCase.objects.exclude(case=None).select_related("case")]:
        row.case_number = row.case.number
        row.save(update_fields=["case_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_received_at_home"),
        ("hall", "0002_appointment_reminded_for"),
    ]

    operations = [
        migrations.AddField(
            model_name="homevisit",
            name="case",
            field=models.ForeignKey(
                blank=True,
                help_text="上门受理后转入的办件。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="home_visits",
                to="cases.case",
                verbose_name="办件",
            ),
        ),
        migrations.AddField(
            model_name="proxycase",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="proxy_registrations",
                to="cases.case",
                verbose_name="办件",
            ),
        ),
        migrations.RunPython(link_cases, unlink_cases),
        migrations.RemoveField(model_name="homevisit", name="case_number"),
        migrations.RemoveField(model_name="proxycase", name="case_number"),
    ]
