"""The floor's layout from configuration: a ``LAYOUT_FILE`` (TOML or JSON), else a ``LAYOUT``
mapping, else the demo floor (docs/routing.md, "The floor's layout in configuration").

Read once when the app starts (``FloorSettings.from_config``): allocation (a task's line order)
and the batch walk use the same ``Layout``, so the two can never disagree. A file or mapping
that does not describe a floor stops the start with the reason (an unknown setting, a depot
off the block...), rather than routing pickers on a guess.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

from server.domain.layout import DEMO_LAYOUT, Layout


class BadLayout(ValueError):
    """The configured layout cannot be used (the text says which file or key, and why)."""


def layout_from_config(config) -> Layout:
    path, mapping = config.get("LAYOUT_FILE"), config.get("LAYOUT")
    if path:
        return layout_from_file(path)
    if mapping:
        return _layout(mapping, "the LAYOUT setting")
    return DEMO_LAYOUT


def layout_from_file(path) -> Layout:
    """A layout from a TOML file (its ``[layout]`` table, or the whole file) or a JSON object."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadLayout(f"layout file {source}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if source.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise BadLayout(f"layout file {source} is not valid {source.suffix.lstrip('.') or 'TOML'}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("layout"), dict):
        data = data["layout"]
    return _layout(data, f"layout file {source}")


def _layout(mapping, where: str) -> Layout:
    if not isinstance(mapping, dict):
        raise BadLayout(f"{where} must be a table of layout settings")
    try:
        return Layout.from_mapping(mapping)
    except (TypeError, ValueError) as exc:
        raise BadLayout(f"{where}: {exc}") from None
