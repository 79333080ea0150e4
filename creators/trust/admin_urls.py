"""The trust and safety pages under /admin/ (transparency figures); the site's URLs include this by name."""

from django.urls import path

from creators.trust import admin_transparency

urlpatterns = [
    path("transparency/", admin_transparency.transparency, name="admin-transparency"),
    path("transparency.csv", admin_transparency.transparency_csv, name="admin-transparency-csv"),
]
