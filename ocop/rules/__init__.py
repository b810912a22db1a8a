"""Legal rules as data: editions, criteria sheets, star bands, mandatory criteria, each level's
outcome, and the campaign's own rules (quorum, spread, dossier check, sign-off)."""
