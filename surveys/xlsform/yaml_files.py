"""A questionnaire bundle as our YAML files (``<id>.yaml`` and its translation files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from surveys.questionnaire.model import QuestionnaireBundle


def write_yaml_files(bundle: QuestionnaireBundle, directory: Path) -> Iterator[Path]:
    """``<id>.yaml`` and ``translations/<id>.<code>.yaml`` in our YAML format."""
    q = bundle.questionnaire
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{q.id}.yaml"
    data = q.model_dump(mode="json", exclude_defaults=True)
    data = {"id": q.id, "audience": q.audience, "version": q.version, **data}
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    yield path
    for code, tr in bundle.translations.items():
        tpath = directory / "translations" / f"{q.id}.{code}.yaml"
        tpath.parent.mkdir(parents=True, exist_ok=True)
        tpath.write_text(
            yaml.safe_dump(
                tr.model_dump(mode="json", exclude_none=True),
                allow_unicode=True,
                sort_keys=False,
                width=10_000,
            ),
            encoding="utf-8",
        )
        yield tpath
