"""Personal links in the survey, through HTTP with the forms the pages render: one
response per link, German pages for every link that cannot open the survey, and nothing
stored for them."""

from __future__ import annotations

from datetime import date, timedelta

from tests.invitations.conftest import make_staff
from tests.invitations.forms import Browser


def counts(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return ctx.storage.count_responses(status="complete"), ctx.storage.count_responses(
        status="partial"
    )


def finished(staff) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    people = staff.store.people(staff.campaign.id)
    return dict(zip(people["name"], people["finished"], strict=True))


def start(staff, token: str) -> Browser:  # type: ignore[no-untyped-def]
    b = Browser(staff.app)
    b.open(f"/u/{staff.campaign.slug}/?t={token}")
    assert b.page.status_code == 200
    assert "?t=" not in str(b.page.url)  # the token left the address bar
    b.click("de")
    return b


def test_personal_link_answers_once_and_marks_only_that_person_finished(staff):
    b = start(staff, staff.token("Carla Dietz"))
    page = b.answer_everything()
    assert b.path.endswith("/danke") and "Vielen Dank" in page.text
    assert counts(staff.ctx) == (1, 0)
    assert finished(staff) == {name: name == "Carla Dietz" for name in staff.ids}
    frame = staff.ctx.storage.answers_frame(staff.ctx.municipality_id)
    assert set(frame["audience"]) == {"administration"} and len(frame) > 10

    # the same link again, in the same browser and in another one: a German page, nothing stored
    for browser in (b, Browser(staff.app)):
        again = browser.open(f"/u/{staff.campaign.slug}/?t={staff.token('Carla Dietz')}")
        assert again.status_code == 403
        assert "Mit diesem persönlichen Link wurde schon geantwortet" in again.text
        assert '<html lang="de"' in again.text
    assert counts(staff.ctx) == (1, 0)


def test_same_link_on_two_devices_stores_the_first_response_only(staff):
    token = staff.token("Anna Becker")
    first, second = start(staff, token), start(staff, token)
    second.submit(button=None)  # accepts the privacy notice
    second.submit()  # first section, stored as partial
    assert counts(staff.ctx) == (0, 1)
    first.answer_everything()
    assert counts(staff.ctx) == (1, 1)
    page = second.answer_everything()
    assert page.status_code == 403
    assert "Mit diesem persönlichen Link wurde schon geantwortet" in page.text
    assert counts(staff.ctx) == (1, 0)  # the second device's begun answers are gone too


def test_unknown_and_other_campaigns_links_get_a_german_page_and_store_nothing(staff):
    other = make_staff(
        staff.ctx, slug="personal-w2", people=[("Zoe Yilmaz", "zy@stadt.example", "")]
    )
    cases = {
        "abcdefghjkmnpqrstuvw": 404,  # well-formed, unknown
        "kaputt": 404,  # malformed
        other.token("Zoe Yilmaz"): 404,  # of another campaign
    }
    for token, status in cases.items():
        page = Browser(staff.app).open(f"/u/{staff.campaign.slug}/?t={token}")
        assert page.status_code == status
        assert "Diesen persönlichen Link kennen wir nicht" in page.text
    assert counts(staff.ctx) == (0, 0)
    assert not any(finished(staff).values()) and not any(finished(other).values())


def test_expired_link_gets_a_german_page_and_stores_nothing(sqlite_ctx):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    staff = make_staff(sqlite_ctx, closes_on=yesterday)
    page = Browser(staff.app).open(f"/u/{staff.campaign.slug}/?t={staff.token('Eva Fischer')}")
    assert page.status_code == 410
    assert "Dieser persönliche Link ist abgelaufen" in page.text
    staff.ctx.storage.set_campaign_status(staff.campaign.slug, "closed")
    fresh = make_staff(sqlite_ctx, slug="personal-w3", status="closed")
    page = Browser(fresh.app).open(f"/u/{fresh.campaign.slug}/?t={fresh.token('Eva Fischer')}")
    assert page.status_code == 410 and "abgelaufen" in page.text
    assert counts(sqlite_ctx) == (0, 0)


def test_campaign_of_invited_people_refuses_the_open_link(staff):
    b = Browser(staff.app)
    page = b.open(f"/u/{staff.campaign.slug}/")
    assert page.status_code == 403
    assert "nur mit dem persönlichen Link aus Ihrer Einladung" in page.text
    page = b.open(f"/u/{staff.campaign.slug}/de/")
    assert page.status_code == 403
    assert counts(staff.ctx) == (0, 0)


def test_resume_on_the_same_device_keeps_the_invitation(staff):
    token = staff.token("Bernd Clausen")
    b = start(staff, token)
    b.submit(button=None)
    b.submit()  # one section stored
    # later: the link again continues where they stopped, and completing marks them finished
    b.open(f"/u/{staff.campaign.slug}/?t={token}")
    b.click("de")
    assert "/s/" in b.path
    b.answer_everything()
    assert counts(staff.ctx) == (1, 0)
    assert finished(staff)["Bernd Clausen"]
