"""desk — 物业前台: the service desk program of a residential property office."""

__version__ = "0.1.0"
