"""Developer tools run from the Makefile (docs generation)."""
