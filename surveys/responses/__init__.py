"""Responses as submitted and stored.

answers   validation of a page's form against the questionnaire, form <-> answer rows,
          visible questions after skip logic (``clean_answers``, ``to_rows``,
          ``AnswerError``)
storage   the one storage API (:class:`~surveys.responses.storage.Storage`): campaigns,
          partial and complete responses (idempotent on the client UUID), deletion by
          receipt code, the tidy answers frame for the analysis; ``StorageError`` family
sql       statements of the survey's hot path, compiled once per dialect

May import: ``surveys.questionnaire``, ``analysis.tidy`` (the frame contract) and
``bedarfsradar.db``.
"""
