import pytest

from bianmin.notify.models import Channel, Notification
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.staffing.jobs import unmanned_sweep as unmanned_sweep_job
from bianmin.staffing.services import unmanned_sweep
from bianmin.staffing.tests.factories import DAY, at, staffed_window

pytestmark = pytest.mark.django_db


def test_an_unmanned_window_alerts_each_director_once_in_app_and_by_sms(django_capture_on_commit_callbacks):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)

    with django_capture_on_commit_callbacks(execute=True):
        record = unmanned_sweep(at(DAY, "10:00")).opened[0]
    with django_capture_on_commit_callbacks(execute=True):
        unmanned_sweep(at(DAY, "10:05"))  # still unmanned: nothing new opened, nothing sent again

    sent = Notification.objects.filter(template="window_unmanned")
    assert sorted(sent.values_list("channel", flat=True)) == sorted([Channel.IN_APP, Channel.SMS])
    assert set(sent.values_list("recipient_user", flat=True)) == {director.user.pk}
    assert str(record.window) in sent.get(channel=Channel.IN_APP).body


def test_the_periodic_job_runs_the_sweep_and_reports_what_it_found():
    staffed_window()

    summary = unmanned_sweep_job()

    assert summary.startswith("新发现无人在岗")
