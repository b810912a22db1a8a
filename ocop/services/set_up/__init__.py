"""Set-up stage: the campaign file, the council and secretariat, the founding decisions and the plan."""
