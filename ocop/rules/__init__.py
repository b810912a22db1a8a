"""Legal rules as data: editions, criteria sheets, star bands and mandatory criteria."""
