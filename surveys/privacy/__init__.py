"""GDPR duties of the survey owner (the town).

retention          retention period and purge of responses past it
processing_record  the record of processing activities (Art. 30) as a document
protected          staff (and volunteers') answers never shown one by one; the information
                   for the Personalrat

May import: ``surveys.responses``, ``analysis.disclosure`` (the published minimum cell)
and ``bedarfsradar.db``.
"""
