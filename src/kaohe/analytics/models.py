"""Analysis and reports: roll-ups, dashboards, statistics, PDF and Excel reports."""
