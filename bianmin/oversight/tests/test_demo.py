import io

import pytest
from django.urls import reverse

from bianmin.cases import demo as cases_demo
from bianmin.catalog import demo as catalog_demo
from bianmin.org import demo as org_demo
from bianmin.org.models import Staff
from bianmin.oversight import demo
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.petitions import demo as petitions_demo
from bianmin.staffing import demo as staffing_demo


@pytest.fixture
def demo_oversight(db):
    for module in (org_demo, catalog_demo, cases_demo, petitions_demo, staffing_demo):
        module.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def test_demo_seeds_complaints_accountability_and_ratings_once(demo_oversight, client):
    assert "投诉 5 件" in demo_oversight
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"received", "assigned", "replied"}
    assert Complaint.objects.filter(finding="founded").count() == 1
    kinds = set(Accountability.objects.values_list("source_kind", flat=True))
    assert {"complaint", "case_overdue", "refusal_overturned"} <= kinds
    assert Accountability.objects.filter(status="candidate").exists()
    assert Accountability.objects.exclude(status="candidate").exists()
    bad = Rating.objects.get(overall__lte=2)
    assert bad.rectification_done
    assert Rating.objects.count() >= 2

    again = io.StringIO()
    demo.load(again)
    assert "已存在" in again.getvalue()
    assert Complaint.objects.count() == 5

    # the director's pages render with the demo data
    client.force_login(Staff.objects.get(user__username="director").user)
    for name in ("oversight:complaint_list", "oversight:accountability_list", "oversight:rating_list"):
        assert client.get(reverse(name)).status_code == 200
    for record in Accountability.objects.all():
        assert client.get(reverse("oversight:accountability_detail", args=[record.pk])).status_code == 200
    for complaint in Complaint.objects.all():
        assert client.get(reverse("oversight:complaint_detail", args=[complaint.pk])).status_code == 200
    assert client.get(reverse("oversight:rating_detail", args=[bad.pk])).status_code == 200
