"""Files in and out: the database file, backups, the resident import and the paper forms'
data.
"""
