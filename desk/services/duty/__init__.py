"""Who is on duty, the shift table, and 交接班 (the duty record)."""
