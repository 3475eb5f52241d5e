"""The scoring engine: pure, whole-cohort, columnar. Stdlib + numpy only; no Django, no clock.

Callers hand it explicit inputs (scheme settings, values, ballots, history, the `as_of` date) and
get explicit outputs. `reference.py` is its slow, obviously-correct per-person twin.
"""
