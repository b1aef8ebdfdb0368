"""Interviews collected offline with ODK Collect or KoboCollect, read back into responses:
the public API. Reading and mapping: :mod:`surveys.xlsform._submission_reader` (its
docstring describes the export formats and every rule); the form's names:
:mod:`surveys.xlsform._submission_form`; what is dropped and why:
:mod:`surveys.xlsform._submission_meta`; the database: :mod:`surveys.xlsform.submission_import`.
"""

from surveys.xlsform._submission_reader import (
    DroppedColumn,
    Submission,
    SubmissionPlan,
    SubmissionsError,
    read_submissions,
)
from surveys.xlsform.submission_import import (
    CampaignRefused,
    ImportPreview,
    preview_import,
    store_import,
)

__all__ = [
    "CampaignRefused",
    "DroppedColumn",
    "ImportPreview",
    "Submission",
    "SubmissionPlan",
    "SubmissionsError",
    "preview_import",
    "read_submissions",
    "store_import",
]
