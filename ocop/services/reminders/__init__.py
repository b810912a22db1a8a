"""Remind stage: the plan's deadlines and what is still open before each (read-only)."""
