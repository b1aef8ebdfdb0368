"""Every text a respondent reads in their language, and how it gets there.

ui_text            the survey's own texts (buttons, messages) per language, ``data/ui/``
status             per language: translated, reviewed (draft | reviewed), which languages
                   are offered to respondents and which are hidden, and why
workbook           the interpreters' XLSX: writing (:mod:`.workbook`), reading and checks
                   (:mod:`.workbook_read`), the diff against what is stored
                   (:mod:`.workbook_diff`)
audio              checks of a recording file (format, size, duration)
recordings         stored recordings of texts read aloud, per questionnaire version
recording_package  the interpreters' ZIP of recordings: plan (check) and store
result_texts       the public results pages' texts (``data/results/``): rows ``results.`` of
                   the newcomer workbook; a language is offered there only when reviewed

May import: ``surveys.questionnaire`` and ``bedarfsradar.db``.
"""
