"""Renderers of a :class:`~reports.content.ReportContent`: :mod:`.pptx` (editable deck)
and :mod:`.pdf` (handout). They draw; they never compute a statistic."""
