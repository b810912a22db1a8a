"""Collect and verify stages: the registration workbook, its import, the dossier check and its notices."""
