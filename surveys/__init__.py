"""Questionnaires and responses: everything the survey knows, one concern per package.

questionnaire/  the questionnaire as data: model, YAML loader, skip logic (relevance),
                languages, codebook, need-area bases, a town's own questions beside the
                Land's core (additions)
responses/      answers as submitted: validation (form <-> rows), storage, the survey's
                compiled SQL, offline interviews' identity (keyed hashes, replacement)
translations/   the survey's own texts (ui_text), review status of every language and
                why one is not offered (languages_report), the interpreters' workbook,
                recordings of texts read aloud
free_text/      keyword suggestions and the guide's codes for free-text answers
invitations/    people invited by name (staff, volunteers) answering anonymously: lists,
                personal links stored as hashes, anonymise on completion, mailings and
                reminders by SMTP, response rates
privacy/        retention and purge, the record of processing activities (GDPR Art. 30),
                audiences whose answers are never shown one by one (protected)
web/            the public survey form (Starlette routes, Jinja2 templates, static files)
xlsform/        XLSForm import and export (KoboToolbox, ODK), and the interviews collected
                with it offline, read back from ODK Central's or Kobo's export (submissions)
offers.py       the catalogue of local offers (YAML/CSV in, database rows out)
campaign_setup.py  a wave with any stored questionnaire version, who may create one
demo.py         the demo data with planted facts (demo_facts.md)

May import: ``analysis`` (pure functions and the tidy frame) and ``bedarfsradar.db`` (the
schema and the engine); never ``dashboard``, ``reports`` or ``publicity`` (public
materials sit above the survey). ``tests/test_architecture.py`` checks each package's
allowed imports.
"""
