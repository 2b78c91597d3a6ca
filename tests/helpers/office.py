"""The test office: its moment and names, for fixtures (tests/conftest.py) and tests alike."""

from __future__ import annotations

from datetime import datetime

from desk.services.core.passwords import Params

NOW = datetime(2026, 11, 23, 10, 0)  # Monday 23 November 2026, 10:00 office time
OFFICE_NAME = "阳光花园物业服务中心"
MANAGER_NAME = "王经理"

# every test hashes passwords with these (tests/conftest.py): the real ones take ~150 ms
FAST_HASHES = Params(n=2**4, r=1, p=1)
MANAGER_PASSWORD = "经理口令2026"  # when a test gives the manager one


def finish_order(ctx, order_id: int) -> None:
    """A work order past the desk's part: dispatched, started and completed."""
    from desk.services.records import workorders

    workorders.dispatch(ctx, order_id, "李师傅")
    workorders.start(ctx, order_id)
    workorders.complete(ctx, order_id, workorders.Completion("换了阀门"))
