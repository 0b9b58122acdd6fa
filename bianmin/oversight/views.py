from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bianmin.org.models import OrgUnit, Window
from bianmin.org.selectors import public_center
from bianmin.oversight import services
from bianmin.oversight.forms import ComplaintForm


def complaint_new(request: HttpRequest, code: str) -> HttpResponse:
    try:
        center = public_center(code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        window = None
        if data["window_number"]:
            window = Window.objects.filter(center=center, number=data["window_number"]).first()
            if window is None:
                form.add_error("window_number", "没有这个窗口号。")
        if not form.errors:
            try:
                complaint = services.complaint_file(
                    center=center,
                    content=data["content"],
                    window=window,
                    name=data["name"],
                    phone=data["phone"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(request, "oversight/complaint_done.html", {"center": center, "complaint": complaint})
    return render(request, "oversight/complaint_new.html", {"center": center, "form": form})
