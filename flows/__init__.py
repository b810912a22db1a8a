"""Prefect flows: one per stage of the OCOP evaluation plan, plus the whole campaign."""
