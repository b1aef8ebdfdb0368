"""The public results pages (``/ergebnisse/``): what a release publishes, for the people who
answered and everyone else, in every reviewed survey language.

model    the page as codes and numbers (:class:`~.model.ReleasePage`, built once per
         release by :mod:`reports.public_page`; :class:`~.model.Town` for the measures
         the Stadtrat adopted and the feedback contact)
charts   bar charts as inline SVG (no script), mirrored right-to-left
render   HTML pages and the CSV of each chart, worded in one language
         (:mod:`surveys.translations.result_texts`), with the EU emblem and statements

The composition root (:mod:`bedarfsradar.results_site`) serves them and decides which
release is public; nothing here reads a database or an answer.
"""
