"""The questionnaire as data, validated once on load (as pyxform keeps an XLSForm apart
from its renderers).

model       pydantic model: Questionnaire, Section, Question, Option, QuestionnaireBundle
            (a questionnaire with its translations), Translation
loader      YAML -> model (``load_bundle``, ``load_taxonomy``, ``read_yaml``); every problem
            as a located :class:`~surveys.questionnaire.loader.Problem`
            (``QuestionnaireError``)
relevance   the safe skip-logic expression language (parse, evaluate; no ``eval``)
languages   the known language codes, their native names, script and direction
codebook    question and option codes with their German texts (for exports)
need_bases  to whom a need area applies, computed from the answers

May import: ``analysis`` (need_bases builds on ``analysis.bases``) and nothing else of the
project; every other package of ``surveys`` builds on this one.
"""
