"""Rank, recognise and refer stages: the aggregate and the stars, the recognising decision, the referral."""
