"""The business pages, the payment and results pages and the businesses admin in German: no English left
on them (``tests.german``), German numbers, money, plurals and dates, and API refusals in German with
their machine-readable codes unchanged."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from businesses import services
from businesses.models import BusinessProfile, Payment, Promotion, Refund
from tests.businesses.factories import BusinessFactory
from tests.businesses.helpers import business_with_video, running_promotion
from tests.factories import CreatorFactory, UserFactory, born_years_ago
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"Accept-Language": "de"}


PROMOTIONS = "/api/v1/business/promotions"


def _german(client: Client, url: str, status: int = 200, **data: object) -> str:
    response = client.post(url, data, headers=GERMAN) if data else client.get(url, headers=GERMAN)
    assert response.status_code == status, url
    html = response.content.decode()
    assert 'lang="de"' in html.split("<head")[0]
    assert english_on_page(html) == [], english_on_page(html)
    return html


def _draft(business, video, **fields):
    return services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7, **fields
    )


def test_the_dashboard_without_a_business_asks_for_one_in_german(client):
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(30)))
    client.force_login(creator.user)
    html = _german(client, "/business/")
    assert "Wirb für dein Unternehmen" in html
    assert "Rechtlicher Name" in html


def test_the_dashboard_form_with_errors_is_german_and_writes_nothing(client):
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(30)))
    client.force_login(creator.user)
    html = _german(
        client, "/business/", status=400, legal_name="Bäckerei", category="food_and_drink", country="DE",
        region="Nirgendwo", website="kein link",
    )  # fmt: skip
    assert "Das ist keine Region des gewählten Landes." in html or "Gib eine gültige URL ein." in html
    assert not BusinessProfile.objects.exists()


def test_the_dashboard_shows_german_numbers_money_and_plurals(client):
    business, video = business_with_video()
    promotion = _draft(business, video)
    Promotion.objects.filter(pk=promotion.pk).update(
        impressions_charged=4166, spent_cents=1234_56, budget_cents=2000_00, duration_days=1
    )
    client.force_login(business.creator.user)
    html = _german(client, "/business/")
    assert ">4.166<" in html  # the impressions, as German writes them
    assert "1.234,56 EUR" in html  # money through the language's separators
    assert "2.000,00 EUR · 1 Tag" in html  # the singular
    assert "Entwurf" in html  # the state's label


def test_the_new_promotion_form_and_its_errors_are_german(client):
    business, video = business_with_video()
    client.force_login(business.creator.user)
    html = _german(client, "/business/promotions/new")
    assert "Für ein Video werben" in html
    assert "Preis pro 1.000 gesponserte Aufrufe" in html
    html = _german(
        client, "/business/promotions/new", status=400, video=str(video.public_id), goal="video_views",
        audience="automatic", budget="50.00", duration_days="400",
    )  # fmt: skip
    assert "Eine Werbung läuft 1 bis" in html
    assert not Promotion.objects.exists()


def test_the_new_promotion_page_without_videos_is_german(client):
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(30)))
    BusinessFactory.create(creator=creator)
    client.force_login(creator.user)
    assert "Zum Studio" in _german(client, "/business/promotions/new")


def test_the_results_page_is_german_with_its_table(client):
    business, promotion = running_promotion()
    client.force_login(business.creator.user)
    html = _german(client, f"/business/promotions/{promotion.public_id}/")
    assert "Ergebnisse pro Tag, neueste zuerst" in html
    assert ">1.240<" in html  # a day's impressions in the table
    assert "80,00 EUR für 7 Tage" in html  # the plural


def test_a_paused_promotion_says_its_end_as_a_german_date(client):
    business, video = business_with_video()
    promotion = _draft(business, video)
    end = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)
    Promotion.objects.filter(pk=promotion.pk).update(
        state="paused", paid_at=end - datetime.timedelta(days=7), starts_at=end - datetime.timedelta(days=7),
        ends_at=end,
    )  # fmt: skip
    client.force_login(business.creator.user)
    html = _german(client, f"/business/promotions/{promotion.public_id}/")
    assert "sie endet am 6. Dezember 2026." in html
    assert "Werbung fortsetzen" in html


def test_the_cancel_page_and_the_receipts_are_german(client, stripe_local):
    business, video = business_with_video()
    promotion = _draft(business, video)
    Promotion.objects.filter(pk=promotion.pk).update(state="in_review", paid_at=timezone.now())
    payment = Payment.objects.create(
        promotion=promotion, attempt=1, idempotency_key="pay-1", intent_id="pi_1", amount_cents=50_00,
        currency="EUR", status="succeeded", succeeded_at=timezone.now(),
    )  # fmt: skip
    Refund.objects.create(
        payment=payment, amount_cents=12_50, currency="EUR", reason="unspent", idempotency_key="refund-1",
        stripe_id="re_1", status="succeeded", succeeded_at=timezone.now(),
    )  # fmt: skip
    client.force_login(business.creator.user)
    html = _german(client, f"/business/promotions/{promotion.public_id}/cancel")
    assert "Diese Werbung abbrechen?" in html
    html = _german(client, "/business/receipts")
    assert "Nicht ausgegebenes Budget" in html
    assert "12,50 EUR" in html


def test_an_empty_receipts_page_is_german(client):
    business, _ = business_with_video()
    client.force_login(business.creator.user)
    assert "Noch keine Zahlungen." in _german(client, "/business/receipts")


def test_the_businesses_admin_is_german(client):
    business, promotion = running_promotion()
    admin = UserFactory.create(is_staff=True, is_superuser=True, date_of_birth=born_years_ago(40))
    client.force_login(admin)
    html = _german(client, "/admin/businesses/promotion/")
    assert "Ausgaben heute" in html
    assert "Mit dem Grund oben ablehnen (volle Erstattung)" in html
    html = _german(client, f"/admin/businesses/promotion/{promotion.pk}/change/")
    assert "Ergebnisse pro Tag" in html
    html = _german(client, "/admin/businesses/businessprofile/")
    assert "rechtlicher Name" in html.lower() or "Rechtlicher Name" in html
    _german(client, f"/admin/businesses/businessprofile/{business.pk}/change/")


def test_an_api_refusal_is_german_with_its_code_unchanged(api_client):
    business, video = business_with_video()
    api_client.force_authenticate(business.creator.user)
    body = {"video": str(video.public_id), "goal": "video_views", "budget_cents": 50_00, "duration_days": 999}
    response = api_client.post(PROMOTIONS, body, format="json", headers=GERMAN)
    assert response.status_code == 400
    assert response.json()["duration_days"] == ["Eine Werbung läuft 1 bis 60 Tage."]
    assert response.json()["codes"]["duration_days"] == ["invalid"]
    assert not Promotion.objects.exists()


def test_a_minor_is_refused_in_german_with_the_same_code(api_client):
    minor = UserFactory.create(date_of_birth=born_years_ago(15))
    api_client.force_authenticate(minor)
    response = api_client.get(PROMOTIONS, headers=GERMAN)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Unternehmenskonten und Werbung sind nur für Erwachsene (18+).",
        "code": "permission_denied",
    }
