"""Plain-Python rules of the floor. Imports no Flask, SQLAlchemy or socketio."""
