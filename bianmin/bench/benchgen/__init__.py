"""The benchmark data set (`manage.py bench`): a city-shaped organization and years of history, bulk-inserted.

Shape (per scale, see SHAPES): districts → subdistrict centers → community points; staff, windows and A/B posts per
center; each district publishes its own copy of the service catalog (names from the real district catalog in
`bianmin/bench/bench_items.txt`); cases with materials, events and acceptance notices; first-inquiry records,
letters and visits, attendance and ratings in proportion.

How it is fast: cases, petitions and attendance rows are produced in Python and streamed with COPY on PostgreSQL
(psycopg 3 `cursor.copy`) or `executemany` on SQLite; the rows that follow from a case (materials, events, notices,
inquiries, ratings) are derived inside the database with one `INSERT … SELECT` each, which is faster than any
client-side stream. At large sizes on PostgreSQL the secondary indexes of the big tables are dropped during the load
and rebuilt after it, and foreign-key triggers are off for the loading transaction (`session_replication_role`).
Everything runs in one transaction: an interrupted run leaves nothing behind.

Encrypted personal fields take their tokens from a small pool encrypted once (encryption per row would dominate).
"""

from bianmin.bench.benchgen.generator import Generator, ensure, shape_summary
from bianmin.bench.benchgen.shapes import (
    BENCH_DIRECTOR,
    BENCH_DISTRICT,
    BENCH_PASSWORD,
    BENCH_WINDOW,
    FIRST_CENTER,
    FIRST_DISTRICT,
    SEARCH_QUERIES,
    SHAPES,
    Shape,
    item_names,
)

__all__ = [
    "BENCH_DIRECTOR",
    "BENCH_DISTRICT",
    "BENCH_PASSWORD",
    "BENCH_WINDOW",
    "FIRST_CENTER",
    "FIRST_DISTRICT",
    "SEARCH_QUERIES",
    "SHAPES",
    "Generator",
    "Shape",
    "ensure",
    "item_names",
    "shape_summary",
]
