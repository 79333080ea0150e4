"""A 15-year-old signs up a second account as a 40-year-old and pairs with it. A parent's account must be
a week old with a confirmed email and not made from the teen's browser or network in the last 30 days;
the teen sees whose account it is before confirming, and the code is used only then."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from platform import family
from platform.errors import RateLimited
from platform.models import FamilyLink, Notification, PairingCode, User
from tests.factories import TEST_PASSWORD, UserFactory, born_years_ago

pytestmark = pytest.mark.django_db

HOME, ELSEWHERE = "198.51.100.7", "203.0.113.9"


def sign_up(client: Client, *, email: str, years: int, address: str) -> User:
    response = client.post(
        reverse("signup"),
        {
            "email": email,
            "display_name": email.split("@")[0],
            "date_of_birth": born_years_ago(years).isoformat(),
            "country": "DE",
            "region": "",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302
    # The site's log-out, as a browser does it (the test client's logout() would drop every cookie).
    assert client.post(reverse("logout")).status_code == 302
    return User.objects.get(email=email)


def confirm_email(client: Client, user: User, django_capture_on_commit_callbacks) -> None:
    """Open the link the sign-up emailed, as its owner would."""
    message = next(message for message in reversed(mail.outbox) if message.to == [user.email])
    path = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+/)", str(message.body))
    assert path is not None
    assert client.get(path.group(1)).status_code == 200
    assert client.post(path.group(1)).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def a_week_passes(user: User) -> None:
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - datetime.timedelta(days=8))
    user.refresh_from_db()


def code_of(parent: User) -> str:
    return family.pairing_code_create(parent=parent).code


def nothing_linked(parent: User) -> None:
    assert FamilyLink.objects.count() == 0
    assert PairingCode.objects.get(parent=parent).used_at is None
    assert not Notification.objects.filter(kind=Notification.Kind.PAIRING).exists()


def test_a_parent_account_the_teen_made_in_their_own_browser_is_refused(django_capture_on_commit_callbacks):
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        teen = sign_up(browser, email="tia@example.com", years=15, address=HOME)
        # Same browser, another network (a phone's mobile data): the browser id gives it away.
        fake = sign_up(browser, email="fake.parent@example.com", years=40, address=ELSEWHERE)
    assert fake.signup_browser == teen.signup_browser != ""
    confirm_email(browser, fake, django_capture_on_commit_callbacks)
    a_week_passes(fake)
    code = code_of(fake)
    browser.force_login(teen)
    response = browser.post(reverse("family_link"), {"code": code}, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 400
    assert family.PARENT_REFUSED.replace("'", "&#x27;") in response.content.decode()
    nothing_linked(fake)


def test_a_parent_account_made_from_the_teens_network_is_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        teen = sign_up(Client(), email="tia@example.com", years=15, address=HOME)
        # Another browser (a private window), the same home network.
        fake = sign_up(Client(), email="fake.parent@example.com", years=40, address=HOME)
    assert fake.signup_browser != teen.signup_browser
    User.objects.filter(pk=fake.pk).update(email_confirmed_at=timezone.now())
    a_week_passes(fake)
    code = code_of(fake)
    with pytest.raises(ValidationError) as refused:
        family.pairing_preview(teen=teen, code=code, origin=family.RequestOrigin(address=ELSEWHERE))
    assert refused.value.messages == [family.PARENT_REFUSED]
    nothing_linked(fake)


def test_a_new_or_unconfirmed_parent_account_is_told_why_and_when_and_gets_no_code(client):
    fresh = UserFactory.create(date_of_birth=born_years_ago(40), email_confirmed_at=timezone.now())
    client.force_login(fresh)
    response = client.post(reverse("family_code"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "A parent&#x27;s account must be at least 7 days old." in html
    eligible_from = (fresh.date_joined + datetime.timedelta(days=7)).strftime("%-d %B %Y, %H:%M")
    assert f"You can create a code from {eligible_from}." in html
    unconfirmed = UserFactory.create(
        date_of_birth=born_years_ago(40), date_joined=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(unconfirmed)
    response = client.post(reverse("family_code"))
    assert response.status_code == 403
    assert "Confirm your email address first" in response.content.decode()
    assert PairingCode.objects.count() == 0


def test_a_code_made_before_the_parent_lost_eligibility_still_cannot_link():
    """Checked again at the confirmation: a parent whose email is no longer confirmed links nobody."""
    parent = UserFactory.create(eligible_parent=True)
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    preview = family.pairing_preview(teen=teen, code=code_of(parent))
    User.objects.filter(pk=parent.pk).update(email_confirmed_at=None)
    with pytest.raises(ValidationError) as refused:
        family.pairing_link(teen=teen, token=preview.token)
    assert refused.value.messages == [family.PARENT_REFUSED]
    nothing_linked(parent)


def test_a_real_parent_elsewhere_links_after_the_teen_sees_their_email(client):
    parent = UserFactory.create(
        eligible_parent=True, display_name="Pat", email="pat@example.com", signup_address=ELSEWHERE
    )
    teen = UserFactory.create(date_of_birth=born_years_ago(15), signup_address=HOME)
    code = code_of(parent)
    client.force_login(teen)
    response = client.post(reverse("family_link"), {"code": code}, REMOTE_ADDR=HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="pairing-parent-email">pat@example.com</dd>' in html
    nothing_linked(parent)  # seeing whose code it is uses nothing
    token = response.context["confirm_form"].initial["token"]
    response = client.post(reverse("family_link_confirm"), {"token": token}, REMOTE_ADDR=HOME)
    assert response.status_code == 302
    assert FamilyLink.objects.get().parent == parent
    assert PairingCode.objects.get(parent=parent).used_by == teen


def test_the_confirmation_is_the_teens_own_and_cannot_be_forged(client):
    parent = UserFactory.create(eligible_parent=True)
    teen, other = (
        UserFactory.create(date_of_birth=born_years_ago(15)),
        UserFactory.create(date_of_birth=born_years_ago(14)),
    )
    preview = family.pairing_preview(teen=teen, code=code_of(parent))
    client.force_login(other)
    for token in (preview.token, preview.token[:-2] + "xx", "forged"):
        response = client.post(reverse("family_link_confirm"), {"token": token})
        assert response.status_code == 400
    nothing_linked(parent)


def test_the_try_limit_counts_the_code_step(client):
    parent = UserFactory.create(eligible_parent=True)
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    code = code_of(parent)
    for _ in range(family.PAIRING_TRIES):
        with pytest.raises(ValidationError):
            family.pairing_preview(teen=teen, code="WRONGGGG")
    with pytest.raises(RateLimited):
        family.pairing_preview(teen=teen, code=code)
    nothing_linked(parent)
