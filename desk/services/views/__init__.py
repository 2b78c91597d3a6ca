"""Read-only views of the records: lists, details, exports of a list, timelines, the
overview figures and the monthly statistics.
"""
