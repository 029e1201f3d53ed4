"""Carriers, services and warehouse routing as plain rules (no Flask, no database).

tracking.py: tracking numbers in each carrier's own format and check digit (UPU S10, UPS 1Z).
services.py: carrier services (cut-off, transit, weight limit, destinations, rates) and the
cheapest one that keeps a promised delivery date. routing.py: which warehouse (or warehouses)
ships an order, and why.
"""
