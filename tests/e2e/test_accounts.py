"""A new visitor signs up, logs out and back in; a 12-year-old is refused and nothing is saved."""

import re

import pytest
from playwright.sync_api import expect

from platform.models import User
from tests.factories import born_years_ago

pytestmark = pytest.mark.django_db(transaction=True)


def fill_signup(page, *, email, date_of_birth):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill("Robin Reel")
    page.get_by_label("Date of birth").fill(date_of_birth.isoformat())
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Region").fill("DE-BE")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_label("Password again").fill("correct-horse-battery")


def test_adult_signs_up_logs_out_and_logs_in(live_server, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(live_server.url)
    screenshot("home-anonymous")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    fill_signup(page, email="robin@example.com", date_of_birth=born_years_ago(30))
    screenshot("signup-filled")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome to Joyreel, Robin Reel!")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_test_id("account-menu")).to_contain_text(
        "Robin Reel"
    )
    page.get_by_role("link", name="Skip for now").click()  # the optional "What do you enjoy?" step
    expect(page.get_by_test_id("feed")).to_be_visible()
    screenshot("home-after-signup")
    user = User.objects.get(email="robin@example.com")
    assert (user.region, user.is_private) == ("DE-BE", False)

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Please enter a correct email address and password.")).to_be_visible()
    screenshot("login-failed")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_test_id("account-menu")).to_contain_text(
        "Robin Reel"
    )
    screenshot("home-after-login")


def test_twelve_year_old_is_refused_and_nothing_is_written(live_server, page, screenshot):
    page.goto(f"{live_server.url}/accounts/signup/")
    fill_signup(page, email="kid@example.com", date_of_birth=born_years_ago(12))
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Sorry, you can't sign up right now")).to_be_visible()
    screenshot("refused")
    assert User.objects.count() == 0
    # Going back and trying an older date is refused too.
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_role("heading", name="Sorry, you can't sign up right now")).to_be_visible()
    assert User.objects.count() == 0
