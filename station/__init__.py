"""Colis station agent: scanner, label printer and kiosk screen, driven by the server.

Drivers know bytes; the station knows scans; the server knows what a scan means.
Start one with `colis-station --config station.toml` or `station.__main__.run_station`.
"""
