"""The Open311 channel as the pre-review pages of cases see it (settings.BIANMIN_CASE_CHANNELS).

Shows staff what the channel recorded beside the case: the submitting application, the address and the applicant's
own description (never published), and the one-time notice the applicant received at submission."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from bianmin.api.models import OnlineApplication
from bianmin.cases.channels import ChannelDetails
from bianmin.cases.models import Case


class Open311Channel:
    def labels(self, cases: Iterable[Case]) -> dict[int, str]:
        ids = [case.pk for case in cases]
        if not ids:
            return {}
        rows = OnlineApplication.objects.filter(case_id__in=ids).values_list("case_id", "client__name")
        return dict(rows)

    def details(self, case: Case) -> ChannelDetails | None:
        application = OnlineApplication.objects.select_related("client").filter(case=case).first()
        if application is None:
            return None
        return ChannelDetails(
            rows=[
                (_("来源应用"), application.client.name),
                (_("地址"), application.address_string or application.address_id),
                (_("申请说明"), application.description),
            ],
            notice=application.service_notice,
        )


OPEN311 = Open311Channel()
