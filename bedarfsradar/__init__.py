"""Bedarfsradar — the composition root: settings, command line, server and database."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
