"""Use cases of the floor: each opens one unit of work, asks the domain, commits."""
