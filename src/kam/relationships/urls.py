"""The relationship map page, mounted under /accounts/<account_id>/relationship-map/."""

from django.urls import path

from kam.relationships import views

account_urlpatterns = [
    path("", views.relationship_map_view, name="relationship_map"),
    path("data/", views.relationship_map_data_view, name="relationship_map_data"),
    path("summary/", views.relationship_map_summary_view, name="relationship_map_summary"),
    path("people/new/", views.map_person_add_view, name="relationship_map_person_add"),
    path("people/<int:contact_id>/", views.map_person_view, name="relationship_map_person"),
    path(
        "people/<int:contact_id>/reports-to/",
        views.map_person_boss_view,
        name="relationship_map_person_boss",
    ),
    path(
        "people/<int:contact_id>/left/",
        views.map_person_left_view,
        name="relationship_map_person_left",
    ),
    path(
        "people/<int:contact_id>/merge/",
        views.map_person_merge_view,
        name="relationship_map_person_merge",
    ),
    path("links/new/", views.map_link_add_view, name="relationship_map_link_add"),
    path(
        "links/<int:link_id>/remove/",
        views.map_link_remove_view,
        name="relationship_map_link_remove",
    ),
]

# Mounted under /accounts/<account_id>/.
vcard_urlpatterns = [
    path("contacts.vcf", views.contacts_vcard_view, name="account_contacts_vcard"),
]
