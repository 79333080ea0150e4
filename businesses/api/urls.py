"""URLs of the businesses API under ``/api/v1/``."""

from django.urls import path

from businesses.api import views

urlpatterns = [
    path("business/profile", views.BusinessProfileView.as_view(), name="api-business-profile"),
    path("business/promotions", views.PromotionListView.as_view(), name="api-business-promotions"),
    path(
        "business/promotions/<uuid:public_id>",
        views.PromotionDetailView.as_view(),
        name="api-business-promotion",
    ),
    path(
        "business/promotions/<uuid:public_id>/pay",
        views.PromotionPayView.as_view(),
        name="api-business-promotion-pay",
    ),
    path(
        "business/promotions/<uuid:public_id>/cancel",
        views.PromotionCancelView.as_view(),
        name="api-business-promotion-cancel",
    ),
    path(
        "business/promotions/<uuid:public_id>/pause",
        views.PromotionHoldView.as_view(action="pause"),
        name="api-business-promotion-pause",
    ),
    path(
        "business/promotions/<uuid:public_id>/resume",
        views.PromotionHoldView.as_view(action="resume"),
        name="api-business-promotion-resume",
    ),
    path(
        "business/promotions/<uuid:public_id>/results",
        views.PromotionResultsView.as_view(),
        name="api-business-promotion-results",
    ),
    path("business/receipts", views.ReceiptListView.as_view(), name="api-business-receipts"),
    path(
        "business/promotions/<uuid:public_id>/pay/local-card",
        views.PromotionPayLocalCardView.as_view(),
        name="api-business-promotion-pay-local-card",
    ),
    path("business/prices", views.PriceListView.as_view(), name="api-business-prices"),
    path("business/reach-estimate", views.ReachEstimateView.as_view(), name="api-business-reach-estimate"),
]
