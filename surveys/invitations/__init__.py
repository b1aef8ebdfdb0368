"""People invited by name (volunteers, town-hall staff) who answer anonymously.

The standard pattern of LimeSurvey's anonymised token surveys, SoSci Survey's
"anonymise on completion" and Qualtrics' anonymous distributions: two stores and no link
between them anywhere - rows, logs, backups.

- who was invited and whether they have finished: table ``invitation`` (name, e-mail,
  department, the hash of the personal link's token, month-level sending state,
  ``finished`` yes/no);
- what was answered: ``response`` and ``answer`` as for everyone, without any token.

lists      the list of people: CSV/XLSX or typed, every problem listed in German before
           anything is stored
tokens     one personal link per person: token derived from the server secret, stored only
           as its HMAC hash
store      the invitation rows: adding a list, the guide's view, the survey's token check,
           anonymise on completion, response rates
mail       e-mail by SMTP (STARTTLS/SSL, login; stdlib ``smtplib``), German texts with a
           plain-text part
sending    mailings of invitations, reminders and letters: queued, sent in batches off the
           event loop, resumable without sending anything twice, audited with counts only

How order and time cannot link the two stores (the test in
``tests/invitations/test_no_link.py`` restores a backup and tries every path):

- the response keeps no token, no invitation id, and the survey passes nothing of the
  invitation to storage but a callback that marks it finished;
- completion and "finished" are one transaction, and that transaction rewrites *every*
  invitation row of the campaign in one statement (:meth:`store.InvitationStore.finisher`):
  on PostgreSQL all rows of the campaign then carry the same transaction id (``xmin``) and
  keep their physical order (one UPDATE scans and rewrites in heap order), so neither the
  transaction ids nor the row order of a ``pg_dump`` single out the person who just
  finished; on SQLite the rows are updated in place;
- a finished row loses its months and its reminder count: "reminded in November" would
  say "had not finished before November", which ordered response ids could narrow down;
- the response of an invited person carries the campaign's month (the month of its first
  mailing), not its own, so response months narrow nothing down either;
- the audit log and the server log name counts and campaigns, never a token, a person
  or a response.

What is left (and said on the Datenschutz page): the guide sees who has finished - she
needs it for reminders, as in every tool of this kind - and could compare the finished
list with the results before and after one person finishes. That is why staff answers
are never shown one by one, their free texts only as themes with at least 5 mentions,
and response rates only for groups of at least 5 (:mod:`surveys.privacy.protected`).
"""
