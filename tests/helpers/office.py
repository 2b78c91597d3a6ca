"""The test office: its moment and names, for fixtures (tests/conftest.py) and tests alike."""

from __future__ import annotations

from datetime import datetime

NOW = datetime(2026, 11, 23, 10, 0)  # Monday 23 November 2026, 10:00 office time
OFFICE_NAME = "阳光花园物业服务中心"
MANAGER_NAME = "王经理"
