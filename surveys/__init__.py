"""Questionnaires and responses: everything the survey knows, one concern per package.

questionnaire/  the questionnaire as data: model, YAML loader, skip logic (relevance),
                languages, codebook, need-area bases, a town's own questions beside the
                Land's core (additions)
responses/      answers as submitted: validation (form <-> rows), storage, the survey's
                compiled SQL
translations/   the survey's own texts (ui_text), review status of every language, the
                interpreters' workbook, recordings of texts read aloud
free_text/      keyword suggestions and the guide's codes for free-text answers
privacy/        retention and purge, the record of processing activities (GDPR Art. 30)
web/            the public survey form (Starlette routes, Jinja2 templates, static files)
xlsform/        XLSForm import and export (KoboToolbox, ODK)
offers.py       the catalogue of local offers (YAML/CSV in, database rows out)
demo.py         the demo data with planted facts (demo_facts.md)

May import: ``analysis`` (pure functions and the tidy frame) and ``bedarfsradar.db`` (the
schema and the engine); never ``dashboard``, ``reports`` or ``publicity`` (public
materials sit above the survey). ``tests/test_architecture.py`` checks each package's
allowed imports.
"""
