"""The desk's plumbing: the context and transactions every use case runs in, what it
changed, the audit log, serials, settings, the working calendar, deadlines, text search.
"""
