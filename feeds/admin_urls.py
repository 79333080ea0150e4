"""The admin pages that ``feeds`` adds under /admin/ (the site's URLs include this by name)."""

from django.urls import path

from feeds import admin_transparency

urlpatterns = [
    path("transparency/", admin_transparency.transparency, name="admin-transparency"),
    path("transparency.csv", admin_transparency.transparency_csv, name="admin-transparency-csv"),
]
