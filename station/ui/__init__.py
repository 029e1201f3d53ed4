"""The kiosk screen the station serves locally (see server.py)."""
