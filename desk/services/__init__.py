"""Use cases in plain Python. Each takes a Ctx (session, who, when) and never imports Qt."""
