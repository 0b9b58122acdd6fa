"""`field__any_of=[…]`: the field equals one of the values, the list sent as one parameter.

A district's dashboard filters every figure by its ~200 units. `center_id__in=ids` compiles one placeholder per id
(Django prepares each value, the driver sends 200 parameters, PostgreSQL parses and plans them) on every query of the
page. On PostgreSQL `any_of` compiles to `= ANY(%s)` with the list as a single array parameter (what a hand-written
query does; the planner uses the same index); elsewhere it is `IN (…)` as before.

The values are plain values (ids, texts), not model instances. Pass a set (`frozenset(ids)`) where the list is long:
Django walks a list or tuple value element by element before any lookup sees it, which for ~200 ids costs more than
the rest of the filter.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup[Any]):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(self.rhs)
        if all(type(v) is int for v in values):  # ids, as the dashboards pass them: nothing to prepare
            return values
        field = self.lhs.output_field
        return [field.get_prep_value(v) for v in values]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            raise EmptyResultSet  # nothing can match (and an empty array has no type to infer)
        if connection.vendor == "postgresql":
            # Typed as the column is (a list of small ids would otherwise be sent as smallint[], which the planner
            # costs differently from the column's own type). Integers go as the array's text ('{1,2,3}'), which
            # PostgreSQL reads in one step, instead of the driver adapting each element.
            array: Any = "{" + ",".join(map(str, values)) + "}" if all(type(v) is int for v in values) else values
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*lhs_params, array]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


# A foreign key has its own set of lookups (`ForeignObject`'s): registered there too, so `center_id__any_of` works.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
