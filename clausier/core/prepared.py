"""Fixed-shape queries compiled to SQL once, then run with new values.

Django builds and compiles a queryset anew on every call: for the portal's small
queries that is nine tenths of their time (the signed-in person, their memberships, a
home page's figures: 3.5 ms of Python for 0.3 ms of SQLite; docs/portal.md, "Speed").
A `Prepared` query is written as an ordinary queryset, by a function of its arguments:

    PERSON = Prepared(lambda pk: Person.objects.filter(pk=pk)[:1], INT)
    person = next(iter(PERSON.objects(user_id)), None)

`build` must not branch on its arguments' values (only their number of items may
change the SQL): the SQL is written once from markers.

The first call on a database connection builds the queryset twice, with two sets of
markers for the arguments, and compiles both: the SQL must be the same, and every
parameter that differs between the two must be one of the markers, as Django adapted
it for the database (a date becomes a string on SQLite); the others are the query's
constants. Later calls send that SQL with the arguments adapted the same way, and read
the rows with the compiler of that first call (Django's converters, `select_related`,
annotations), so results are exactly the queryset's. A list argument (`INTS`) makes
one placeholder per item: the SQL is kept per length. A queryset that cannot be
prepared this way (a value Django transforms, such as `__year`) fails on its first call,
in the tests, not silently. An empty list is a length like another: Django leaves its
condition out of an OR, and a query that can have no row is answered without one.

Slices are written into the SQL by Django (LIMIT/OFFSET), not sent as parameters: a
paged list prepares one query per page (`Pages`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Model, QuerySet, Value
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


class Kind(Enum):
    INT = "int"
    INTS = "ints"
    DATE = "date"
    DATETIME = "datetime"


INT, INTS, DATE, DATETIME = Kind.INT, Kind.INTS, Kind.DATE, Kind.DATETIME


class NotPreparable(Exception):
    """The queryset's SQL or parameters do not follow its arguments (see the module)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each parameter: ("arg", argument index, item index) or ("const", value).
    slots: tuple[tuple[Any, ...], ...]
    compiler: SQLCompiler
    iterable: type
    # Django's converters for the selected columns (compiler.results_iter computes them
    # again on every call: ~30 us for a model's twenty columns).
    converters: dict[int, Any]


def _marker(kind: Kind, index: int, variant: int, length: int) -> Any:
    # Values no real argument takes, different per argument and per variant.
    base = 900_000_000 + 10_000_000 * index + 1_000_000 * variant
    if kind is INT:
        return base
    if kind is INTS:
        return [base + item for item in range(length)]
    if kind is DATE:
        return dt.date(1901 + variant, 1 + index % 12, 1 + index // 12 % 28)
    return dt.datetime(1901 + variant, 1 + index % 12, 1, 0, 0, index // 12 % 60, tzinfo=dt.UTC)


def _adapt(connection: Any, kind: Kind, value: Any) -> list[Any]:
    """`value` as Django sends it to this database, one entry per placeholder."""
    if kind is INT:
        return [int(value)]
    if kind is INTS:
        return [int(item) for item in value]
    if kind is DATE:
        return [connection.ops.adapt_datefield_value(value)]
    return [connection.ops.adapt_datetimefield_value(value)]


class Prepared(Generic[M]):
    """A queryset of fixed shape (see the module): `build(*args)` returns it, `kinds`
    says what each argument is."""

    def __init__(self, build: Callable[..., QuerySet[M, Any]], *kinds: Kind) -> None:
        self.build = build
        self.kinds = kinds
        self._key = object()

    def _normalise(self, args: Sequence[Any]) -> list[Any]:
        if len(args) != len(self.kinds):
            raise TypeError(f"{len(self.kinds)} arguments expected, {len(args)} given")
        # A list's order changes nothing for IN: sorted, one SQL per length.
        return [sorted(a) if k is INTS else a for k, a in zip(self.kinds, args, strict=True)]

    def _compile(self, connection: Any, alias: str, lengths: tuple[int, ...]) -> _Compiled:
        compiled = []
        markers = []
        for variant in (1, 2):
            args = [_marker(kind, i, variant, lengths[i]) for i, kind in enumerate(self.kinds)]
            queryset = self.build(*args).using(alias)
            if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
                raise NotPreparable("only model and values_list() querysets are prepared")
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                # Django knows there are no rows (an empty IN on which all depends).
                sql, params = "", []
            except (ValueError, TypeError, OverflowError) as error:
                # A marker Django could not take as it is (a year, a transform...).
                raise NotPreparable(
                    f"the queryset does not take its arguments as they are: {error}"
                ) from error
            compiled.append((sql, list(params), compiler, queryset._iterable_class))
            markers.append(args)
        (sql, params, compiler, iterable), (sql_2, params_2, _, _) = compiled
        if sql != sql_2 or len(params) != len(params_2):
            raise NotPreparable(f"the SQL changes with the arguments: {sql!r}")
        adapted = [
            [_adapt(connection, kind, markers[v][i]) for i, kind in enumerate(self.kinds)]
            for v in (0, 1)
        ]
        slots: list[tuple[Any, ...]] = []
        for first, second in zip(params, params_2, strict=True):
            if first == second:
                slots.append(("const", first))
                continue
            found = [
                (i, j)
                for i, values in enumerate(adapted[0])
                for j, value in enumerate(values)
                if value == first and adapted[1][i][j] == second
            ]
            if len(found) != 1:
                raise NotPreparable(f"a parameter does not follow the arguments: {first!r}")
            slots.append(("arg", *found[0]))
        converters = {}
        if sql:
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise NotPreparable("composite primary keys are not prepared")
            converters = compiler.get_converters(fields)
        return _Compiled(sql, tuple(slots), compiler, iterable, converters)

    def _run(self, args: Sequence[Any], using: str) -> tuple[_Compiled, list[Any]]:
        values = self._normalise(args)
        connection = connections[using]
        lengths = tuple(len(v) if k is INTS else 0 for k, v in zip(self.kinds, values, strict=True))
        # Kept on the connection object: one per thread, so the compiler's converters use
        # this thread's connection.
        cache = connection.__dict__.setdefault("_clausier_prepared", {})
        compiled = cache.get((self._key, lengths))
        if compiled is None:
            compiled = cache[(self._key, lengths)] = self._compile(connection, using, lengths)
        if not compiled.sql:
            return compiled, []
        adapted = [_adapt(connection, k, v) for k, v in zip(self.kinds, values, strict=True)]
        params = [
            slot[1] if slot[0] == "const" else adapted[slot[1]][slot[2]] for slot in compiled.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        if compiled.converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, compiled.converters)]
        return compiled, rows

    def results(self, *args: Any, using: str = "default") -> list[Any]:
        """Rows or model instances, as the queryset gives them."""
        compiled, rows = self._run(args, using)
        if compiled.iterable is ModelIterable:
            return list(_instances(compiled.compiler, rows, using))
        return rows

    def rows(self, *args: Any, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows of a `values_list()` queryset, converted as Django converts them."""
        compiled, rows = self._run(args, using)
        if compiled.iterable is not ValuesListIterable:
            raise NotPreparable("rows() is for values_list() querysets")
        return rows

    def objects(self, *args: Any, using: str = "default") -> list[M]:
        """The model instances of a model queryset, with its select_related objects and
        annotations, as Django's ModelIterable builds them."""
        compiled, rows = self._run(args, using)
        if compiled.iterable is not ModelIterable:
            raise NotPreparable("objects() is for model querysets")
        return list(_instances(compiled.compiler, rows, using))


def _instances(compiler: SQLCompiler, rows: list[tuple[Any, ...]], db: str) -> Any:
    if not rows:
        return
    select, klass_info = compiler.select, compiler.klass_info
    annotation_col_map = compiler.annotation_col_map or {}
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
    for row in rows:
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotation_col_map.items():
            setattr(obj, name, row[position])
        yield obj


def counted(queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """`queryset.count()` as a queryset that can be prepared: one row, `(count,)`.
    (`count()` runs at once; grouped by a constant, the count is one row on every
    database.)"""
    return (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


class Pages:
    """A list read page by page (Django's Paginator over `listing(*args)`): its count in
    one prepared query, each of its first `kept` pages in a prepared query of its own;
    pages further on run as plain querysets."""

    def __init__(
        self, build: Callable[..., QuerySet[Any, Any]], *kinds: Kind, per_page: int, kept: int = 20
    ) -> None:
        self.build = build
        self.kinds = kinds
        self.per_page = per_page
        self.kept = kept
        self._count: Prepared[Any] = Prepared(lambda *args: counted(build(*args)), *kinds)
        self._pages: dict[int, Prepared[Any]] = {}

    def listing(self, *args: Any) -> PagedList:
        return PagedList(self, args)

    def count(self, args: Sequence[Any]) -> int:
        rows = self._count.rows(*args)
        return int(rows[0][0]) if rows else 0

    def page(self, number: int, args: Sequence[Any]) -> list[Any]:
        start = (number - 1) * self.per_page
        if number > self.kept:
            return list(self.build(*args)[start : start + self.per_page])
        prepared = self._pages.get(number)
        if prepared is None:
            prepared = self._pages[number] = Prepared(
                lambda *a: self.build(*a)[start : start + self.per_page], *self.kinds
            )
        return prepared.results(*args)


class PagedList:
    """What Django's Paginator pages through: `count()` and slices of one page."""

    def __init__(self, pages: Pages, args: Sequence[Any]) -> None:
        self.pages = pages
        self.args = args

    def count(self) -> int:
        return self.pages.count(self.args)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        if not isinstance(window, slice) or (window.start or 0) % self.pages.per_page:
            raise TypeError("a PagedList is read one page at a time")
        start = window.start or 0
        return self.pages.page(start // self.pages.per_page + 1, self.args)
