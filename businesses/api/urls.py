"""URLs of the businesses API under ``/api/v1/``."""

from django.urls import path

from businesses.api import views

urlpatterns = [
    path("business/profile", views.BusinessProfileView.as_view(), name="api-business-profile"),
]
