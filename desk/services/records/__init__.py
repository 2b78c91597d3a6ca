"""The registers: create, change and void each kind of record (visits, calls, repairs,
complaints, loans, callbacks), and the residents and staff they name.
"""
