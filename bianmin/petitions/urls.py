from django.urls import path

from bianmin.petitions import views

app_name = "petitions"

urlpatterns = [
    path("staff/petitions/", views.petition_list, name="list"),
    path("staff/petitions/new/", views.petition_new, name="new"),
    path("staff/petitions/board/", views.board, name="board"),
    path("staff/petitions/settings/", views.settings_view, name="settings"),
    path("staff/petitions/export.xlsx", views.petition_export, name="export"),
    path("staff/petitions/<int:pk>/", views.petition_detail, name="detail"),
    path("staff/petitions/<int:pk>/assign/", views.petition_assign_view, name="assign"),
    path("staff/petitions/<int:pk>/classify/", views.petition_classify_view, name="classify"),
    path("staff/petitions/<int:pk>/reply/", views.petition_reply_view, name="reply"),
    path("staff/petitions/<int:pk>/close/", views.petition_close_view, name="close"),
    path("staff/petitions/<int:pk>/outside-remit/", views.petition_outside_remit_view, name="outside_remit"),
    path("staff/petitions/<int:pk>/phone/", views.petition_reveal_phone, name="phone"),
    path("staff/petitions/<int:pk>/replies/<int:reply_id>/letter.pdf", views.reply_letter, name="letter"),
]
