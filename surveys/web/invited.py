"""Personal links of people invited by name (:mod:`surveys.invitations`).

``GET /u/<campaign>/?t=<token>`` checks the token and answers with a German page when it
cannot open the survey - finished already (one response per link), of another campaign,
unknown, or expired (the campaign closed or past its end) - storing nothing. A valid
token goes into the respondent's state cookie (as its hash) and the browser is sent on to
``/u/<campaign>/`` at once, so the token leaves the address bar and the history.
A respondent who had begun on this device keeps their answers (resume works as for
everyone); someone else's begun state on a shared computer is not taken over.

Completing marks the invitation finished in the same transaction
(:meth:`surveys.invitations.store.InvitationStore.finisher`); if it has finished in the
meantime (the same link on two devices), nothing is stored, the begun answers of this
device are discarded, and the German page says why. Nothing here logs anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from surveys.invitations.store import InvitationError, InvitationUsed
from surveys.responses.storage import CampaignNotFound
from surveys.web.context import RequestContext, SurveyCore
from surveys.web.state import COOKIE, new_state

MESSAGES = {
    "finished": ("invitation_used", 403),
    "expired": ("invitation_expired", 410),
    "other_campaign": ("invitation_invalid", 404),
    "unknown": ("invitation_invalid", 404),
}


def enter(app: SurveyCore, request: Request, token: str) -> Response:
    """The personal link: a German page, or on to the survey with the token's hash in
    the state."""
    slug = request.path_params["slug"]
    try:
        campaign = app.campaign(slug)
    except CampaignNotFound:
        return app.message(None, "survey_not_found", 404)
    check = app.invitations.check_token(campaign, token)
    if check.outcome != "ok":
        key, status = MESSAGES[check.outcome]
        return app.message(None, key, status)
    bundle = app.prepared(campaign.questionnaire_version_id)
    state = app.codec.loads(request.cookies.get(COOKIE))
    ctx = RequestContext(app, request, campaign, bundle, "de", state)
    mine = state is not None and state.invitation in (None, check.token_hash)
    if state is not None and mine and not state.done and state.mode == "online":
        ctx.new_cookie = state.with_(invitation=check.token_hash)
    else:
        ctx.new_cookie = new_state().with_(invitation=check.token_hash)
    return app.redirect(ctx, f"{ctx.base}/")


def finisher(app: SurveyCore, ctx: RequestContext) -> Callable[[Any], None] | None:
    """What completing this respondent's response must also do: mark their invitation
    finished (None for everyone who came without a personal link)."""
    if ctx.state is None or ctx.state.invitation is None:
        return None
    return app.invitations.finisher(ctx.campaign.id, ctx.state.invitation)


def refused(app: SurveyCore, ctx: RequestContext, exc: InvitationError) -> Response:
    """Completion refused: nothing was stored; the begun answers of this device go too."""
    assert ctx.state is not None
    app.invitations.discard_partial(ctx.campaign.id, ctx.state.uuid)
    key = "invitation_used" if isinstance(exc, InvitationUsed) else "invitation_invalid"
    response = app.message(None, key, 403 if key == "invitation_used" else 404)
    response.delete_cookie(COOKIE, path=ctx.base)
    return response


__all__ = ["enter", "finisher", "refused"]
