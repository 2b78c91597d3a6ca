"""Demo data: a plausible office with years of desk records, for trying the program and benchmarks.

``generate(engine, days)`` fills a freshly opened, empty database: 8 staff, ~2,050 flats and
22 public areas, ~3,100 residents, loan items and keys, one shift per receptionist slot,
and ≈150 records a day (visits, calls, repairs, complaints, loans) with callbacks, materials,
audit rows and serial counters — each record in the state its history has reached by ``now``
(old ones finished, recent ones open, some overdue), every ended shift with its handover.

Every demo staff member (前台 李婷 … 赵敏, 主管 孙志强, 经理 周建国) logs in with the
documented password ``DEMO_PASSWORD`` = ``demo2026``; the window shows it in demo mode.

The package sits above the services (cli → ui → demo → services): it takes the rules from
them — deadlines (``services.sla``), workflows (``models.states``), serials
(``services.numbering``), carried items (``services.handover``), name keys — and its records
pass the services' own checks (tests/demo/test_demo_invariants.py). It does not *call*
the services per record: that would take hours for five years.

- ``build``      ``generate`` (``fill_demo`` for the window): one transaction, day by day,
                 then the text search index
- ``world``      the office being generated: its moment, settings, calendar, serials
- ``writer``     the tables' columns and stored form (read from the models), bulk inserts
- ``people``     staff, flats, public areas, residents; who comes to the desk
- ``roster``     the shifts, who was on duty when
- ``day``        one day: how many of each kind, at which hours, linked sources
- ``visit``, ``call``, ``workorder``, ``complaint``, ``loan``, ``callback``
                 each kind's wording and life cycle
- ``life``       a record's events up to ``now``, through the workflows
- ``handovers``  every shift's 交接班 with what was open at its moment
- ``chance``     random draws

Speed: everything is computed in Python and written with ``executemany`` on the engine's
raw sqlite3 connection in one transaction (1,800 days ≈ 700,000 rows in about 20 s, of
which ~8 s is the records' text search index, built in bulk at the end).

Determinism: the result depends only on ``seed``, ``days``, ``today`` and ``now`` (but for
the password hash's random salt). Each day draws from its own random stream, so a day's
records barely change with ``days``.
"""

from desk.demo.build import GENERATOR_VERSION, OFFICE_NAME, fill_demo, generate
from desk.demo.people import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "GENERATOR_VERSION", "OFFICE_NAME", "fill_demo", "generate"]
