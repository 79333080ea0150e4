"""URLs of the business dashboard."""

from django.urls import path, re_path

from businesses import views

app_name = "businesses"

urlpatterns = [
    path("business/", views.business_home, name="home"),
    path("business/receipts", views.receipts, name="receipts"),
    path("business/promotions/new", views.promotion_new, name="promotion_new"),
    path("business/promotions/<uuid:public_id>/", views.promotion_detail, name="promotion"),
    path("business/promotions/<uuid:public_id>/cancel", views.promotion_cancel, name="promotion_cancel"),
    path(
        "business/promotions/<uuid:public_id>/pause",
        views.promotion_hold,
        {"action": "pause"},
        name="promotion_pause",
    ),
    path(
        "business/promotions/<uuid:public_id>/resume",
        views.promotion_hold,
        {"action": "resume"},
        name="promotion_resume",
    ),
    path("promotions/<uuid:public_id>/visit", views.promotion_visit, name="promotion_visit"),
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
    # Beside the profile it belongs to (``/@handle/``, served by ``creators``).
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/website$", views.business_website, name="website"),
]
