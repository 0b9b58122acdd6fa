from django.urls import path

from bianmin.catalog import views

app_name = "catalog"

urlpatterns = [
    # Staff: the catalog managers' pages.
    path("staff/catalog/", views.item_list, name="item_list"),
    path("staff/catalog/new/", views.item_create, name="item_create"),
    path("staff/catalog/export.xlsx", views.catalog_export, name="export"),
    path("staff/catalog/import/", views.catalog_import, name="import"),
    path("staff/catalog/synonyms/", views.synonyms, name="synonyms"),
    path("staff/catalog/synonyms/<int:pk>/", views.synonym_edit, name="synonym_edit"),
    path("staff/catalog/synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
    path("staff/catalog/import/<int:pk>/", views.catalog_import_run, name="import_run"),
    path("staff/catalog/<int:pk>/", views.item_detail, name="item_detail"),
    path("staff/catalog/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("staff/catalog/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("staff/catalog/<int:pk>/return/", views.item_return, name="item_return"),
    path("staff/catalog/<int:pk>/approve/", views.item_approve, name="item_approve"),
    path("staff/catalog/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("staff/catalog/<int:pk>/versions/<int:number>/", views.item_version, name="item_version"),
    path("staff/catalog/<int:pk>/versions/compare/", views.item_compare, name="item_compare"),
    # Public: guides (六公开), printable card and guide, search, the hall display screen.
    path("guide/", views.guide_home, name="guide_home"),
    path("search/", views.search_home, name="search_home"),
    path("centers/<str:code>/guide/", views.guide, name="guide"),
    path("centers/<str:code>/guide/<int:item_id>/", views.guide_item, name="guide_item"),
    path("centers/<str:code>/guide/<int:item_id>/card.pdf", views.item_card_pdf, name="card_pdf"),
    path("centers/<str:code>/guide/<int:item_id>/guide.pdf", views.item_guide_pdf, name="guide_pdf"),
    path("centers/<str:code>/search/", views.search_page, name="search"),
    path("centers/<str:code>/screen/", views.screen, name="screen"),
    path("centers/<str:code>/screen/items/", views.screen_items, name="screen_items"),
]
