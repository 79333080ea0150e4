"""Thin doors: each command parses its arguments and calls one function in ``devtools.bench`` or ``devtools.demo``."""
