"""``make demo``: the whole floor on one machine, with simulated scanners, printers and people."""
