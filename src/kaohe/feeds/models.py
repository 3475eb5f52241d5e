"""Signed feeds from source systems and Excel/CSV imports of indicator values."""
