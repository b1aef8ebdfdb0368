"""Find the EU emblem on a rendered page the way a reader would: by its colours."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

BLUE, YELLOW = (0x00, 0x33, 0x99), (0xFF, 0xCC, 0x00)


def _near(a: tuple[int, ...], b: tuple[int, int, int], tol: int = 20) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a[:3], b, strict=True))


def emblem_box(png: Path) -> tuple[int, int, int, int] | None:
    """Bounding box (left, top, right, bottom) of the reflex-blue pixels, if there is a
    blue field with yellow stars inside it; None when the page shows no emblem."""
    img = Image.open(png).convert("RGB")
    w, h = img.size
    px = img.load()
    blue = [(x, y) for y in range(h) for x in range(w) if _near(px[x, y], BLUE)]
    if len(blue) < 50:
        return None
    xs, ys = [p[0] for p in blue], [p[1] for p in blue]
    box = (min(xs), min(ys), max(xs), max(ys))
    yellow = sum(
        1
        for y in range(box[1], box[3] + 1)
        for x in range(box[0], box[2] + 1)
        if _near(px[x, y], YELLOW, 60)
    )
    return box if yellow >= 12 else None
