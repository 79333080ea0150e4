"""URLs of the business dashboard."""

from django.urls import path, re_path

from businesses import views

app_name = "businesses"

urlpatterns = [
    path("business/", views.business_home, name="home"),
    path("business/promotions/new", views.promotion_new, name="promotion_new"),
    path("business/promotions/<uuid:public_id>/", views.promotion_detail, name="promotion"),
    path("business/promotions/<uuid:public_id>/cancel", views.promotion_cancel, name="promotion_cancel"),
    path("promotions/<uuid:public_id>/visit", views.promotion_visit, name="promotion_visit"),
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
    # Beside the profile it belongs to (``/@handle/``, served by ``creators``).
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/website$", views.business_website, name="website"),
]
