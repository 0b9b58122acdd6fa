from django.urls import path

from bianmin.oversight import bulk_views, views

app_name = "oversight"

urlpatterns = [
    path("complaint/", views.complaint_default, name="complaint_default"),
    path("complaint/lookup/", views.complaint_lookup, name="complaint_lookup"),
    path("centers/<str:code>/complaint/", views.complaint_new, name="complaint_new"),
    path("progress/rate/<str:token>/", views.rate, name="rate"),
    path("staff/oversight/complaints/", views.complaint_list, name="complaint_list"),
    path("staff/oversight/complaints/new/", views.complaint_record, name="complaint_record"),
    path("staff/oversight/complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("staff/oversight/complaints/<int:pk>/phone/", views.complaint_reveal_phone, name="complaint_phone"),
    path("staff/oversight/complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("staff/oversight/complaints/<int:pk>/decide/", views.complaint_decide, name="complaint_decide"),
    path("staff/oversight/complaints/<int:pk>/reply/", views.complaint_reply, name="complaint_reply"),
    path("staff/oversight/accountability/", views.accountability_list, name="accountability_list"),
    path("staff/oversight/accountability/bulk/", bulk_views.accountability_bulk, name="accountability_bulk"),
    path("staff/oversight/accountability/new/", views.accountability_new, name="accountability_new"),
    path("staff/oversight/accountability/<int:pk>/", views.accountability_detail, name="accountability_detail"),
    path("staff/oversight/accountability/<int:pk>/decide/", views.accountability_decide, name="accountability_decide"),
    path(
        "staff/oversight/accountability/<int:pk>/dismiss/",
        views.accountability_dismiss,
        name="accountability_dismiss",
    ),
    path("staff/oversight/accountability/<int:pk>/appeal/", views.accountability_appeal, name="accountability_appeal"),
    path("staff/oversight/ratings/", views.rating_list, name="rating_list"),
    path("staff/oversight/ratings/<int:pk>/", views.rating_detail, name="rating_detail"),
    path("staff/oversight/ratings/<int:pk>/<slug:action>/", views.rating_action, name="rating_action"),
    path("staff/oversight/settings/", views.settings_view, name="settings"),
    path("staff/oversight/rate/", views.window_rating, name="window_rating"),
    path("staff/oversight/rate/<int:case_id>/", views.window_rate, name="window_rate"),
]
