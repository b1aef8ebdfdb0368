"""Releases: the frozen, catalogued published tables of a wave (what leaves the guide's
desk). One release is a row of ``release`` with its payload, who released it, when, the
data it was computed from and the payload's SHA-256; it is written in one transaction and
never changed (a withdrawn release only gets ``withdrawn_at``).

store   :class:`~surveys.releases.store.ReleaseStore`: create (with the catalogue's rules
        checked inside the transaction), list, read, withdraw

What a release holds is decided by ``analysis.catalogue`` and computed by
``reports.release``; the composition root (``bedarfsradar.releases``) wires the two.

May import: ``analysis`` (the catalogue's rules) and ``bedarfsradar.db``.
"""
