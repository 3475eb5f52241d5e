"""12345 hotline records: classification and attribution."""
