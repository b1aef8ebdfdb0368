"""Bedarfsradar analysis: pure functions, DataFrames in, a tidy long results table out.

No database, no Streamlit, no file or network I/O. Every statistic names its method in the
``method`` column of the results table (see :mod:`analysis.results`).

Modules
-------
results     the long results table (schema, concat, filter, display pivot)
stats       interval estimators, tests, effect sizes, reliability, weighting
disclosure  primary and secondary cell suppression (MIN_CELL = 5)
tidy        raw long answers -> respondent frame and per-question frames
needs       needs index, prevalence by area and group, top-three shares, ranking, wave change
perception  perception gap: newcomers' own need vs volunteers' / administration's belief
supply      supply gap: need prevalence vs accessible offers, barriers
admin       importance-performance grid, volunteer indicators
findings    short German sentences from the results table
"""
