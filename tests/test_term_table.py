"""``DealTerms`` lists its fields by hand beside the term table ``TERMS``/``DESK_TERMS`` (issue 20 item 4): this
test holds the two declarations together, so a term added to one and not the other fails here, by name."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import MISSING, fields

from model.terms import DESK_TERMS, TERMS, DealTerms, Unit

STRUCTURED = ("schedule", "holidays", "agents")  # tables, not scalar terms: read and checked as blocks


def _scalar_fields() -> list[str]:
    return [f.name for f in fields(DealTerms) if f.name not in STRUCTURED]


def test_every_field_is_a_term_and_every_term_a_field():
    names = [t.name for t in (*TERMS, *DESK_TERMS)]
    assert len(names) == len(set(names)), "a term is declared twice"
    assert set(_scalar_fields()) - set(names) == set(), "fields of DealTerms with no row in the term table"
    assert set(names) - set(_scalar_fields()) == set(), "terms with no field in DealTerms"


def test_each_field_has_the_type_its_unit_states():
    hints = typing.get_type_hints(DealTerms)
    for term in (*TERMS, *DESK_TERMS):
        if term.unit is Unit.TEXT:
            wanted = str
        elif term.unit is Unit.DATE:
            wanted = dt.date
        else:
            wanted = int if term.whole else float
        declared = hints[term.name]
        allowed = {wanted, wanted | None}
        assert declared in allowed, f"{term.name}: declared {declared}, its unit {term.unit} needs {wanted}"


def test_the_document_terms_are_required_and_the_desk_terms_optional():
    optional = {f.name for f in fields(DealTerms) if f.name not in STRUCTURED and f.default is not MISSING}
    assert optional == {t.name for t in DESK_TERMS}
