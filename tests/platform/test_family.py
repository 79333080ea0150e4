"""Family pairing: who may be a parent or a teen, the one-time code, the guessing limit, the link and what
a linked parent may change and see (minutes, never videos)."""

import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from platform import family
from platform.errors import NotFound, RateLimited
from platform.models import AuditEntry, FamilyLink, Notification, PairingCode, ScreenTimeDay, User
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db


def adult(**fields):
    return UserFactory.create(eligible_parent=True, **fields)


def teen(years=14, **fields):
    return UserFactory.create(date_of_birth=born_years_ago(years), **fields)


def link_with(*, teen, code, now=None, origin=None):
    """Both steps of linking, as the pages take them: whose code it is, then the confirmation."""
    preview = family.pairing_preview(teen=teen, code=code, now=now, origin=origin)
    return family.pairing_link(teen=teen, token=preview.token, now=now, origin=origin)


def linked(parent=None, child=None):
    parent = parent or adult(display_name="Pat")
    child = child or teen(display_name="Tia")
    link_with(teen=child, code=family.pairing_code_create(parent=parent).code)
    return parent, child


# --- the code ---------------------------------------------------------------------------------------


def test_pairing_code_is_eight_unambiguous_characters_and_only_its_hash_is_stored():
    parent = adult()
    issued = family.pairing_code_create(parent=parent)
    assert len(issued.code) == 8
    assert set(issued.code) <= set(family.PAIRING_CODE_ALPHABET)
    assert not set(issued.code) & set("01ILO")
    stored = PairingCode.objects.get(parent=parent)
    assert issued.code not in stored.code_hash
    assert stored.code_hash == family._code_hash(issued.code)
    assert stored.expires_at == issued.expires_at
    assert AuditEntry.objects.filter(action="family.code_create", actor=parent).count() == 1


def test_pairing_code_expires_ten_minutes_after_it_is_made():
    now = timezone.now()
    issued = family.pairing_code_create(parent=adult(), now=now)
    assert issued.expires_at == now + datetime.timedelta(minutes=10)


@pytest.mark.parametrize("years", [13, 15, 16, 17])
def test_a_teen_cannot_create_a_pairing_code_and_nothing_is_written(years):
    young = teen(years)
    with pytest.raises(ValidationError, match="Only adults"):
        family.pairing_code_create(parent=young)
    assert PairingCode.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_an_account_of_unknown_age_cannot_create_a_pairing_code():
    with pytest.raises(ValidationError, match="Only adults"):
        family.pairing_code_create(parent=UserFactory.create(date_of_birth=None))
    assert PairingCode.objects.count() == 0


def test_a_new_code_voids_the_parents_older_unused_one():
    parent, child = adult(), teen()
    old = family.pairing_code_create(parent=parent)
    new = family.pairing_code_create(parent=parent)
    with pytest.raises(ValidationError, match="doesn't work"):
        link_with(teen=child, code=old.code)
    assert link_with(teen=child, code=new.code).parent == parent


# --- linking ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("years", [13, 15, 16, 17])
def test_a_teen_links_with_the_code_and_the_parent_is_told(years):
    parent = adult(display_name="Pat")
    child = teen(years, display_name="Tia")
    issued = family.pairing_code_create(parent=parent)
    link = link_with(teen=child, code=issued.code.lower()[:4] + " " + issued.code[4:])
    assert (link.parent, link.teen) == (parent, child)
    code = PairingCode.objects.get(parent=parent)
    assert code.used_by == child
    assert code.used_at is not None
    notice = Notification.objects.get(user=parent)
    assert notice.kind == Notification.Kind.PAIRING
    assert notice.title == "Tia linked their account to yours"
    assert notice.url == "/family/"
    assert AuditEntry.objects.filter(action="family.link", target_id=str(child.pk)).count() == 1


@pytest.mark.parametrize("years", [18, 40])
def test_an_adult_cannot_be_linked_as_a_teen_and_nothing_is_written(years):
    parent = adult()
    grown = UserFactory.create(date_of_birth=born_years_ago(years))
    issued = family.pairing_code_create(parent=parent)
    with pytest.raises(ValidationError, match="Only teens"):
        link_with(teen=grown, code=issued.code)
    assert FamilyLink.objects.count() == 0
    assert PairingCode.objects.get(parent=parent).used_at is None
    assert Notification.objects.count() == 0


def test_a_sixteen_year_old_cannot_be_a_parent_even_to_a_younger_teen():
    with pytest.raises(ValidationError, match="Only adults"):
        family.pairing_code_create(parent=teen(16))
    assert PairingCode.objects.count() == 0


def test_a_wrong_code_is_refused_and_links_nothing():
    parent, child = adult(), teen()
    family.pairing_code_create(parent=parent)
    with pytest.raises(ValidationError) as refused:
        link_with(teen=child, code="ABCDEFGH")
    assert refused.value.messages == [str(family.PAIRING_REFUSED)]
    assert FamilyLink.objects.count() == 0
    assert PairingCode.objects.get(parent=parent).used_at is None
    assert Notification.objects.count() == 0


def test_an_expired_code_is_refused_with_the_same_message():
    parent, child = adult(), teen()
    made = timezone.now() - datetime.timedelta(minutes=10, seconds=1)
    issued = family.pairing_code_create(parent=parent, now=made)
    with pytest.raises(ValidationError) as refused:
        link_with(teen=child, code=issued.code)
    assert refused.value.messages == [str(family.PAIRING_REFUSED)]
    assert FamilyLink.objects.count() == 0


def test_a_code_still_works_just_before_ten_minutes():
    parent, child = adult(), teen()
    issued = family.pairing_code_create(parent=parent, now=timezone.now() - datetime.timedelta(minutes=9))
    assert link_with(teen=child, code=issued.code).parent == parent


def test_a_used_code_is_refused_with_the_same_message():
    parent, first, second = adult(), teen(), teen(15)
    issued = family.pairing_code_create(parent=parent)
    link_with(teen=first, code=issued.code)
    with pytest.raises(ValidationError) as refused:
        link_with(teen=second, code=issued.code)
    assert refused.value.messages == [str(family.PAIRING_REFUSED)]
    assert list(FamilyLink.objects.values_list("teen", flat=True)) == [first.pk]


def test_a_teen_has_at_most_one_parent():
    first_parent, child = linked()
    second_parent = adult()
    issued = family.pairing_code_create(parent=second_parent)
    with pytest.raises(ValidationError, match="already linked"):
        link_with(teen=child, code=issued.code)
    assert FamilyLink.objects.get(teen=child).parent == first_parent
    assert PairingCode.objects.get(parent=second_parent).used_at is None


def test_a_parent_may_link_two_teens():
    parent = adult()
    linked(parent=parent, child=teen(13))
    linked(parent=parent, child=teen(17))
    assert FamilyLink.objects.filter(parent=parent).count() == 2


def test_code_guessing_is_refused_after_five_tries_even_with_the_right_code():
    parent, child = adult(), teen()
    issued = family.pairing_code_create(parent=parent)
    for _ in range(family.PAIRING_TRIES):
        with pytest.raises(ValidationError):
            link_with(teen=child, code="WRONGGGG")
    with pytest.raises(RateLimited, match="Too many tries"):
        link_with(teen=child, code=issued.code)
    assert FamilyLink.objects.count() == 0
    assert PairingCode.objects.get(parent=parent).used_at is None
    assert AuditEntry.objects.filter(action=family.PAIRING_TRY).count() == family.PAIRING_TRIES


def test_code_guessing_limit_is_per_teen_and_lifts_after_fifteen_minutes():
    parent, child, other = adult(), teen(), teen(16)
    for _ in range(family.PAIRING_TRIES):
        with pytest.raises(ValidationError):
            link_with(teen=child, code="WRONGGGG")
    # Another teen is not held back by this one's tries.
    assert link_with(teen=other, code=family.pairing_code_create(parent=parent).code)
    later = timezone.now() + datetime.timedelta(minutes=15, seconds=1)
    issued = family.pairing_code_create(parent=adult(), now=later)
    assert link_with(teen=child, code=issued.code, now=later).teen == child


# --- unlinking --------------------------------------------------------------------------------------


def test_the_teen_unlinks_and_the_parent_is_told():
    parent, child = linked()
    Notification.objects.all().delete()
    family.pairing_unlink(user=child, teen=child)
    assert FamilyLink.objects.count() == 0
    notice = Notification.objects.get()
    assert (notice.user, notice.title) == (parent, "Tia unlinked their account from yours")
    assert AuditEntry.objects.filter(action="family.unlink", actor=child).count() == 1


def test_the_parent_unlinks_and_the_teen_is_told():
    parent, child = linked()
    Notification.objects.all().delete()
    family.pairing_unlink(user=parent, teen=child)
    assert FamilyLink.objects.count() == 0
    notice = Notification.objects.get()
    assert (notice.user, notice.title) == (child, "Pat unlinked your account from theirs")


def test_a_stranger_cannot_unlink_and_nothing_is_written():
    _, child = linked()
    Notification.objects.all().delete()
    with pytest.raises(NotFound):
        family.pairing_unlink(user=adult(), teen=child)
    assert FamilyLink.objects.count() == 1
    assert Notification.objects.count() == 0
    assert not AuditEntry.objects.filter(action="family.unlink").exists()


# --- what the parent may change and see -------------------------------------------------------------


def test_the_linked_parent_sets_the_teens_limit_restricted_mode_and_follow_policy():
    parent, child = linked()
    family.family_teen_settings_set(
        parent=parent,
        teen=child,
        daily_limit_minutes=30,
        is_restricted_mode=True,
        follow_policy=User.FollowPolicy.NOBODY,
    )
    child.refresh_from_db()
    assert (child.daily_limit_minutes, child.is_restricted_mode, child.follow_policy) == (30, True, "nobody")
    entry = AuditEntry.objects.get(action="family.settings")
    assert entry.actor == parent
    assert entry.detail["daily_limit_minutes"] == {"old": None, "new": 30}
    assert entry.detail["follow_policy"] == {"old": "everyone", "new": "nobody"}
    assert family.family_limit_is_set_by_parent(teen=child)


def test_a_stranger_cannot_change_a_teens_settings_and_nothing_is_written():
    _, child = linked()
    stranger = adult()
    with pytest.raises(NotFound):
        family.family_teen_settings_set(
            parent=stranger,
            teen=child,
            daily_limit_minutes=30,
            is_restricted_mode=True,
            follow_policy=User.FollowPolicy.NOBODY,
        )
    child.refresh_from_db()
    assert (child.daily_limit_minutes, child.is_restricted_mode, child.follow_policy) == (
        None,
        False,
        "everyone",
    )
    assert not AuditEntry.objects.filter(action="family.settings").exists()


def test_a_limit_out_of_range_is_refused_and_nothing_is_written():
    parent, child = linked()
    with pytest.raises(ValidationError) as refused:
        family.family_teen_settings_set(
            parent=parent,
            teen=child,
            daily_limit_minutes=5,
            is_restricted_mode=False,
            follow_policy="everyone",
        )
    assert "daily_limit_minutes" in refused.value.message_dict
    child.refresh_from_db()
    assert child.daily_limit_minutes is None
    assert not AuditEntry.objects.filter(action="family.settings").exists()


def test_a_teen_who_turned_eighteen_is_nobodys_to_control():
    parent, child = linked()
    User.objects.filter(pk=child.pk).update(date_of_birth=born_years_ago(18))
    child.refresh_from_db()
    with pytest.raises(NotFound):
        family.family_teen_settings_set(
            parent=parent, teen=child, daily_limit_minutes=30, is_restricted_mode=True, follow_policy="nobody"
        )
    child.refresh_from_db()
    assert child.daily_limit_minutes is None


def test_the_linked_parent_sets_the_passcode_hashed():
    parent, child = linked()
    family.family_teen_passcode_set(parent=parent, teen=child, passcode="4821")
    child.refresh_from_db()
    assert child.screen_time_passcode != "4821"
    assert check_password("4821", child.screen_time_passcode)
    with pytest.raises(NotFound):
        family.family_teen_passcode_set(parent=adult(), teen=child, passcode="1111")
    child.refresh_from_db()
    assert check_password("4821", child.screen_time_passcode)


def test_the_parent_sees_seven_days_of_minutes_and_nothing_else():
    parent, child = linked()
    today = timezone.now().date()
    ScreenTimeDay.objects.create(user=child, day=today, seconds=1830)
    ScreenTimeDay.objects.create(user=child, day=today - datetime.timedelta(days=6), seconds=600)
    ScreenTimeDay.objects.create(user=child, day=today - datetime.timedelta(days=7), seconds=6000)
    week = family.family_teen_screen_time(parent=parent, teen=child)
    assert [(day.day, day.minutes) for day in week] == [
        (today - datetime.timedelta(days=6), 10),
        *[(today - datetime.timedelta(days=offset), 0) for offset in range(5, 0, -1)],
        (today, 30),
    ]
    with pytest.raises(NotFound):
        family.family_teen_screen_time(parent=adult(), teen=child)


# --- the page ---------------------------------------------------------------------------------------


def test_family_page_for_an_adult_creates_and_shows_a_code_once(client):
    parent = adult()
    client.force_login(parent)
    page = client.get(reverse("family"))
    assert "Link a teen's account" in page.content.decode()
    response = client.post(reverse("family_code"))
    assert response.status_code == 200
    code = response.context["issued"].code
    assert code in response.content.decode()
    assert family._code_hash(code) == PairingCode.objects.get(parent=parent).code_hash
    assert code not in client.get(reverse("family")).content.decode()


def test_family_page_for_a_teen_links_with_a_code_and_lists_what_the_parent_can_do(client):
    parent = adult(display_name="Pat <b>")
    child = teen()
    issued = family.pairing_code_create(parent=parent)
    client.force_login(child)
    assert "Enter a code from your parent" in client.get(reverse("family")).content.decode()
    preview = client.post(reverse("family_link"), {"code": issued.code})
    page = preview.content.decode()
    # First whose code it is, and nothing linked or used yet.
    assert 'data-testid="pairing-parent-name">Pat &lt;b&gt;</dd>' in page
    assert f'data-testid="pairing-parent-email">{parent.email}</dd>' in page
    assert FamilyLink.objects.count() == 0
    assert PairingCode.objects.get(parent=parent).used_at is None
    token = preview.context["confirm_form"].initial["token"]
    response = client.post(reverse("family_link_confirm"), {"token": token}, follow=True)
    html = response.content.decode()
    assert 'Linked to <strong translate="no">Pat &lt;b&gt;</strong>' in html
    assert "What you watch, like, share or search for" in html
    assert FamilyLink.objects.get(teen=child).parent == parent


def test_family_page_wrong_code_shows_the_one_message_and_links_nothing(client):
    client.force_login(teen())
    response = client.post(reverse("family_link"), {"code": "NOPENOPE"})
    assert response.status_code == 400
    assert "That code doesn&#x27;t work" in response.content.decode()
    assert FamilyLink.objects.count() == 0


def test_family_page_guessing_gets_429(client):
    child = teen()
    client.force_login(child)
    for _ in range(family.PAIRING_TRIES):
        assert client.post(reverse("family_link"), {"code": "NOPENOPE"}).status_code == 400
    response = client.post(reverse("family_link"), {"code": "NOPENOPE"})
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_parent_page_shows_teen_week_and_saves_settings(client):
    parent, child = linked()
    client.force_login(parent)
    page = client.get(reverse("family"))
    assert page.status_code == 200
    assert len(page.context["teens"][0]["linked"].week) == 7
    response = client.post(
        reverse("family_teen_settings", args=[child.pk]),
        {
            f"teen{child.pk}-daily_limit_minutes": "45",
            f"teen{child.pk}-is_restricted_mode": "on",
            f"teen{child.pk}-follow_policy": "approved",
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.daily_limit_minutes, child.is_restricted_mode, child.follow_policy) == (
        45,
        True,
        "approved",
    )


def test_a_stranger_posting_a_teens_settings_gets_404_and_nothing_is_written(client):
    _, child = linked()
    client.force_login(adult())
    response = client.post(
        reverse("family_teen_settings", args=[child.pk]),
        {f"teen{child.pk}-daily_limit_minutes": "15", f"teen{child.pk}-follow_policy": "nobody"},
    )
    assert response.status_code == 404
    child.refresh_from_db()
    assert (child.daily_limit_minutes, child.follow_policy) == (None, "everyone")


def test_a_teens_page_refuses_code_creation(client):
    client.force_login(teen(16))
    response = client.post(reverse("family_code"))
    assert response.status_code == 403
    assert PairingCode.objects.count() == 0


def test_account_settings_show_the_limit_set_by_the_parent(client):
    parent, child = linked()
    family.family_teen_settings_set(
        parent=parent, teen=child, daily_limit_minutes=30, is_restricted_mode=False, follow_policy="everyone"
    )
    client.force_login(child)
    html = client.get(reverse("account_settings")).content.decode()
    assert "30 minutes · set by your parent" in html
    assert reverse("family") in html
