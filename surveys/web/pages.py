"""The survey's pages, one method each (:class:`SurveyApp`): language choice,
introduction, consent, sections, review, thanks, resume and delete by code, and the
recordings. Each runs in a worker thread (:mod:`surveys.web.app`) with the request and
its POSTed form; shared machinery is in :mod:`surveys.web.context`, the order of pages
in :mod:`surveys.web.navigation`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from surveys.invitations.store import InvitationError
from surveys.questionnaire.languages import language
from surveys.questionnaire.model import Section
from surveys.responses.answers import (
    AnswerError,
    clean_answers,
    section_visible,
    to_rows,
)
from surveys.responses.storage import (
    AlreadyComplete,
    CampaignClosed,
    CampaignNotFound,
)
from surveys.web import invited, navigation
from surveys.web.context import (
    AUDIO_MAX_AGE,
    HERE_PAGE,
    RequestContext,
    SurveyCore,
    ltr,
)
from surveys.web.fill_time import shown_questions, too_fast
from surveys.web.paging import PageKeys
from surveys.web.state import SurveyState, new_state
from surveys.web.views import (
    answer_text,
    form_answers,
    html_id,
    page_keys,
    section_fields,
)


class SurveyApp(SurveyCore):
    """The survey's pages; each takes the request and its form (None for a GET)."""

    # -- pages ---------------------------------------------------------------------------
    def choose_language(self, request: Request, form: FormData | None) -> Response:
        if "t" in request.query_params:  # a personal link (surveys.web.invited)
            return invited.enter(self, request, request.query_params["t"])
        ctx = self.context(request, public="modus" in request.query_params)
        if not isinstance(ctx, RequestContext):
            return ctx
        mode = request.query_params.get("modus")
        if mode in ("assisted", "paper") and self.codec.mode_ok(
            ctx.campaign.slug, mode, request.query_params.get("sig")
        ):
            ctx.new_cookie = new_state(mode)  # a new interview in the guide's mode
        # Switching language mid-survey comes back to the same page in the new language.
        back = request.query_params.get("seite", "")
        back = back if ctx.state and ctx.state.privacy and HERE_PAGE.fullmatch(back) else ""
        langs = [language(code) for code in ctx.bundle.languages]
        return self.render(ctx, "languages.html", languages=langs, back=back)

    def intro(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, RequestContext):
            return ctx
        if ctx.state is not None and ctx.state.done and ctx.state.invitation:
            return self.message(ctx, "invitation_used", 403)  # one response per link
        if ctx.state is None or ctx.state.done:
            ctx.new_cookie = new_state(ctx.state.mode if ctx.state else "online")
        elif ctx.state.privacy:
            return self.redirect(ctx, navigation.continue_url(ctx, self.stored_answers(ctx)))
        return self.render(ctx, "intro.html", csrf=self.csrf(ctx), audio_urls=ctx.audio())

    def start(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, RequestContext):
            return ctx
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert ctx.state is not None
        ctx.new_cookie = ctx.state.with_(privacy=True, started=time.time())
        ctx.state = ctx.new_cookie
        return self.redirect(ctx, navigation.next_url(ctx, {}, None))

    def consent(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, RequestContext):
            return ctx
        then = request.query_params.get("weiter", "")
        then = then if then in ctx.bundle.sections else ""
        error = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            assert form is not None and ctx.state is not None
            choice = form.get("consent")
            if choice in ("yes", "no"):
                ctx.new_cookie = ctx.state.with_(consent=choice == "yes")
                ctx.state = ctx.new_cookie
                answers = self.stored_answers(ctx)
                return self.redirect(
                    ctx, navigation.next_url(ctx, answers, (then, 0) if then else None)
                )
            error = ctx.t("error_required")
        return self.render(
            ctx,
            "consent.html",
            status=400 if error else 200,
            error=error,
            then=then,
            csrf=self.csrf(ctx),
            text_audio=ctx.audio().get("consent_sensitive"),
        )

    def section(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, RequestContext):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        section = ctx.bundle.sections.get(request.path_params["section"])
        if section is None:
            return self.message(ctx, "survey_not_found", 404)
        part = max(1, int(request.path_params.get("part", 1)))
        ctx.here = f"s/{section.id}" + (f"/{part}" if part > 1 else "")
        stored = self.stored_answers(ctx)
        parts = navigation.parts(ctx, section, stored)
        if request.method == "GET":
            if not section_visible(ctx.q, section, stored, ctx.state.consent):
                after = (section.id, len(parts))
                return RedirectResponse(navigation.next_url(ctx, stored, after), status_code=303)
            if part > len(parts):
                return RedirectResponse(ctx.step_url((section.id, len(parts))), status_code=303)
            new = set(request.query_params.get("neu", "").split(",")) & set(parts[part - 1])
            return self.section_page(ctx, section, part, stored, [], stored, new=new)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        # The keys the page showed (a part of the section), else those it would show now.
        valid = set(page_keys(section, ctx.q))
        shown = [k for k in str(form.get("shown") or "").split(",") if k in valid]
        keys = tuple(shown) or parts[min(part, len(parts)) - 1]
        page = form_answers(section, ctx.bundle, form, keys)
        merged = {k: v for k, v in stored.items() if k not in keys}
        merged.update(page)
        cleaned, errors = clean_answers(ctx.q, merged, ctx.state.consent, sections=[section])
        errors = [e for e in errors if e.key in keys]  # other parts are checked on theirs
        going_back = form.get("nav") == "back"
        if errors and not going_back:
            return self.section_page(ctx, section, part, merged, errors, stored, 400, keys=keys)
        try:
            self.config.storage.save_partial(
                ctx.campaign,
                ctx.state.uuid,
                to_rows(ctx.q, cleaned),
                {qq.id for qq in section.questions},
                ctx.lang,
                ctx.state.mode,
                ctx.state.consent,
                month=self.response_month(ctx),
                review_flag=ctx.state.flag,
            )
        except AlreadyComplete:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        except SQLAlchemyError:
            failure = ctx.t("error_try_again")
            return self.section_page(
                ctx, section, part, merged, [], stored, 503, failure=failure, keys=keys
            )
        answers = {**merged, **cleaned}
        if going_back:
            return self.redirect(ctx, navigation.previous_url(ctx, answers, (section.id, part)))
        # Without JavaScript a follow-up question (children's ages after "yes") appears
        # only after a round trip: back to the part that has it, announced, pointing at it.
        before = {k for keys_ in parts for k in keys_}
        for i, later in enumerate(navigation.parts(ctx, section, answers), start=1):
            appeared = [k for k in later if k not in before]
            if appeared and i <= part:
                url = ctx.step_url((section.id, i))
                url += f"?neu={','.join(appeared)}#{html_id(appeared[0])}"
                return self.redirect(ctx, url)
        return self.redirect(ctx, navigation.next_url(ctx, answers, (section.id, part)))

    def section_page(
        self,
        ctx: RequestContext,
        section: Section,
        part: int,
        answers: dict[str, Any],
        errors: list[AnswerError],
        stored: dict[str, Any],
        status: int = 200,
        failure: str | None = None,
        keys: PageKeys | None = None,
        new: set[str] | frozenset[str] = frozenset(),
    ) -> HTMLResponse:
        assert ctx.state is not None
        if keys is None:
            parts = navigation.parts(ctx, section, answers)
            keys = parts[min(part, len(parts)) - 1]
        audio = ctx.audio()
        fields = section_fields(
            ctx.bundle,
            section,
            ctx.lang,
            answers,
            errors,
            ctx.app.config.ui,
            ctx.state.consent,
            keys=keys,
            audio=audio,
            new=new,
        )
        summary = [(f.id, f.label, f.error) for f in fields if f.error]
        summary += [
            (html_id(r.name), f"{f.label} – {r.label}", r.error)
            for f in fields
            for r in f.rows
            if r.error
        ]
        announce = [(f.id, f.label) for f in fields if f.new]
        steps = [
            step
            for step, _ in navigation.steps(ctx, answers, navigation.counted_sections(ctx, answers))
        ]
        here = (section.id, part)
        step = steps.index(here) + 1 if here in steps else 1
        resume = ltr(self.config.storage.resume_code(ctx.state.uuid)) if stored else None
        title_key, intro_key = f"section.{section.id}.title", f"section.{section.id}.intro"
        return self.render(
            ctx,
            "section.html",
            status=status,
            section=section,
            fields=fields,
            title=ctx.bundle.text(title_key, ctx.lang),
            title_audio=audio.get(title_key),
            intro=ctx.bundle.text(intro_key, ctx.lang) if section.intro and part == 1 else "",
            intro_audio=audio.get(intro_key) if part == 1 else None,
            step=step,
            total=len(steps) + 1,
            summary=summary,
            announce=announce,
            failure=failure,
            csrf=self.csrf(ctx),
            resume=resume,
            action=ctx.step_url(here),
            shown=",".join(keys),
        )

    def review(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, RequestContext):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        ctx.here = "pruefen"
        stored = self.stored_answers(ctx)
        answers, _ = clean_answers(ctx.q, stored, ctx.state.consent)
        if request.method == "GET":
            return self.review_page(ctx, answers)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        if form.get("client_uuid") != ctx.state.uuid:
            return self.message(ctx, "error_session_expired", 403)
        flag = ctx.state.flag
        shown = shown_questions(ctx.q, answers, ctx.state.consent)
        elapsed = time.time() - ctx.state.started
        per_question = self.config.seconds_per_question
        if ctx.state.mode == "online" and too_fast(elapsed, shown, per_question):
            flag = flag or "too_fast"  # stored and flagged for review, never refused
        already = self.config.storage.response_status(ctx.state.uuid) == "complete"
        if not already and not self.limiter.allow(str(ctx.campaign.id)):
            return self.review_page(ctx, answers, status=429, failure=ctx.t("error_rate_limited"))
        try:
            self.config.storage.complete_response(
                ctx.campaign,
                ctx.state.uuid,
                to_rows(ctx.q, answers),
                ctx.lang,
                ctx.state.mode,
                ctx.state.consent,
                month=self.response_month(ctx),
                review_flag=flag,
                on_created=invited.finisher(self, ctx),
            )
        except CampaignClosed:
            return self.message(ctx, "survey_closed", 410)
        except InvitationError as exc:
            return invited.refused(self, ctx, exc)
        except SQLAlchemyError:
            return self.review_page(ctx, answers, status=503, failure=ctx.t("error_try_again"))
        ctx.new_cookie = ctx.state.with_(done=True)
        return self.redirect(ctx, ctx.url("danke"))

    def review_page(
        self,
        ctx: RequestContext,
        answers: dict[str, Any],
        status: int = 200,
        failure: str | None = None,
    ) -> HTMLResponse:
        assert ctx.state is not None
        blocks = []
        ui = self.config.ui

        def rank(n: int) -> str:
            return ui.get("rank_label", ctx.lang, n=n)

        for section in navigation.visible_sections(ctx, answers):
            if all(question.type == "note" for question in section.questions):
                continue  # nothing to answer (a welcome text): not "keine Antwort"
            items = []
            for question in section.questions:
                lines = answer_text(ctx.bundle, question, answers, ctx.lang, rank)
                if lines:
                    items.append((ctx.bundle.text(f"q.{question.id}.label", ctx.lang), lines))
            blocks.append(
                (section.id, ctx.bundle.text(f"section.{section.id}.title", ctx.lang), items)
            )
        return self.render(
            ctx,
            "review.html",
            status=status,
            blocks=blocks,
            failure=failure,
            csrf=self.csrf(ctx),
            client_uuid=ctx.state.uuid,
        )

    def thanks(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, allow_closed=True, public=True)
        if not isinstance(ctx, RequestContext):
            return ctx
        if ctx.state is None or not ctx.state.done:
            return RedirectResponse(ctx.url(), status_code=303)
        code = ltr(self.config.storage.receipt_code(ctx.state.uuid))
        # the town's results pages (an address naming the town: that town's, set by the
        # server around the survey), else the configured ones
        results = request.scope.get("results_path") or self.config.results_path
        return self.render(
            ctx,
            "thanks.html",
            code=code,
            results_url=results,
            results_address=f"{request.url.scheme}://{request.url.netloc}{results}"
            if results
            else None,
            thank_you=ctx.bundle.text("thank_you", ctx.lang),
            thank_you_audio=ctx.audio().get("thank_you"),
            assisted=ctx.state.mode != "online",
        )

    def resume(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, RequestContext):
            return ctx
        self.ensure_state(ctx)
        error = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            if not self.code_limiter.allow_client(request.client and request.client.host):
                return self.message(ctx, "error_rate_limited", 429)
            assert form is not None
            found = self.config.storage.resume(ctx.campaign, str(form.get("code") or ""))
            if found is not None:
                client_uuid, consent = found
                ctx.new_cookie = SurveyState(
                    uuid=client_uuid,
                    consent=consent,
                    privacy=True,
                    started=0.0,  # begun in another session: its time is unknown, not fast
                    flag=ctx.state.flag if ctx.state else None,  # a filled honeypot here too
                    invitation=ctx.state.invitation if ctx.state else None,
                )
                ctx.state = ctx.new_cookie
                return self.redirect(ctx, navigation.continue_url(ctx, self.stored_answers(ctx)))
            error = ctx.t("delete_not_found")
        return self.code_page(ctx, "resume", "weiter", error=error)

    def delete(self, request: Request, form: FormData | None) -> Response:
        # deletion works after the survey, and without a personal link
        ctx = self.context(request, allow_closed=True, public=True)
        if not isinstance(ctx, RequestContext):
            return ctx
        self.ensure_state(ctx)
        error = done = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            if not self.code_limiter.allow_client(request.client and request.client.host):
                return self.message(ctx, "error_rate_limited", 429)
            assert form is not None
            if self.config.storage.delete_by_receipt(
                str(form.get("code") or ""), ctx.campaign.municipality_id
            ):
                done = ctx.t("delete_done")
            else:
                error = ctx.t("delete_not_found")
        return self.code_page(ctx, "delete", "loeschen", error=error, done=done)

    def audio(self, request: Request) -> Response:
        """A recording of the campaign's questionnaire version, by the SHA-256 of its
        bytes: cached by the browser for a year (the bytes of a URL never change), one
        byte range at a time for players that ask for it. Nothing is logged."""
        name = str(request.path_params["name"])
        digest = name.split(".", 1)[0]
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            return Response(status_code=404)
        try:
            campaign = self.campaign(request.path_params["slug"])
        except CampaignNotFound:
            return Response(status_code=404)
        found = self.recordings.audio(campaign.questionnaire_version_id, digest)
        if found is None:
            return Response(status_code=404)
        headers = {
            "cache-control": f"public, max-age={AUDIO_MAX_AGE}, immutable",
            "etag": f'"{digest}"',
            "accept-ranges": "bytes",
        }
        if request.headers.get("if-none-match") == f'"{digest}"':
            return Response(status_code=304, headers=headers)
        data, size = found.data, len(found.data)
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("range", ""))
        if wanted and (wanted.group(1) or wanted.group(2)):
            first, last = wanted.group(1), wanted.group(2)
            start = int(first) if first else max(0, size - int(last))
            end = min(int(last), size - 1) if first and last else size - 1
            if start >= size or start > end:
                headers["content-range"] = f"bytes */{size}"
                return Response(status_code=416, headers=headers)
            headers["content-range"] = f"bytes {start}-{end}/{size}"
            return Response(data[start : end + 1], 206, headers, found.content_type)
        return Response(data, 200, headers, found.content_type)

    def ensure_state(self, ctx: RequestContext) -> None:
        """Resume and delete pages are reachable without starting the survey; their form
        still needs a state for its CSRF token."""
        if ctx.state is None:
            ctx.new_cookie = new_state()
            ctx.state = ctx.new_cookie

    def code_page(
        self,
        ctx: RequestContext,
        kind: str,
        action: str,
        error: str | None = None,
        done: str | None = None,
    ) -> HTMLResponse:
        """The one-field code form of the resume (``kind`` "resume") and delete pages."""
        return self.render(
            ctx,
            "code_form.html",
            status=400 if error else 200,
            error=error,
            title_key=f"{kind}_title",
            hint_key=f"{kind}_hint",
            button_key=f"{kind}_button",
            action=ctx.url(action),
            csrf=self.csrf(ctx),
            done=done,
        )
