"""Schedule and score stages: the council meeting, attendance and quorum, the members' score sheets."""
