"""URLs of the business dashboard."""

from django.urls import path

from businesses import views

app_name = "businesses"

urlpatterns = [
    path("business/", views.business_home, name="home"),
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
]
