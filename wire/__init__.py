"""What the server and the stations agree on, imported by both so they cannot drift.

``contract``: state names, event names, limits, printer-status keys, message levels.
``payloads``: the validation of every station→server payload (both sides use it).
``texts``: every sentence a person reads, French and English, in one catalog.

This package imports nothing from ``server`` or ``station`` and nothing outside the
standard library: a station PC installs it without the server's dependencies.
"""
