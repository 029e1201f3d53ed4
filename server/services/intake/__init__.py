"""Intake use cases: webhook deliveries, channel orders onto the floor, integrations.

Each runs inside a caller's ``with uow`` (server/services/unit_of_work.py), like every use case.
"""
