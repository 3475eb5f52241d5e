"""Daily work: logs, weekly plans, commitments, the supervisor ledger, special tasks."""
