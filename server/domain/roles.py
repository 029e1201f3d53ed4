"""Who works on the floor. Screen states and message levels are the wire contract (wire/contract.py)."""

STATION_ROLES = ("pick", "pick_batch", "pack", "returns", "count")
USER_ROLES = ("picker", "packer", "returns_clerk", "supervisor", "admin")
