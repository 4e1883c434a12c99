"""SQL for identification, field sources and observations; nothing else in imports touches SQL."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import DateTime, String, bindparam, delete, func, null, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from graphledger.db import among, json_rows
from graphledger.models import CIFieldSource, CIHead, CIIdentifier, CIObservation


def live_key_exists(session: Session, key_lc: str) -> bool:
    return (
        session.execute(
            select(CIHead.key_lc).where(
                CIHead.key_lc == key_lc, CIHead.deleted.is_(False)
            )
        ).first()
        is not None
    )


def keys_by_identifiers(
    session: Session, pairs: list[tuple[str, str]]
) -> list[tuple[str, str, str, str]]:
    """(kind, value, key_lc, class) of live CIs carrying any of the (kind, value) pairs."""
    if not pairs:
        return []
    wanted = json_rows(
        [{"kind": kind, "value": value} for kind, value in pairs],
        kind=String(),
        value=String(),
    )
    # Plain rows from the connection: the ORM result layer cost more than the query itself.
    rows = session.connection().execute(
        select(CIIdentifier.kind, CIIdentifier.value, CIHead.key_lc, CIHead.class_name)
        .join(
            wanted,
            (CIIdentifier.kind == wanted.c.kind)
            & (CIIdentifier.value == wanted.c.value),
        )
        .join(CIHead, CIHead.key_lc == CIIdentifier.key_lc)
        .where(CIHead.deleted.is_(False))
        .order_by(CIHead.key_lc)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def replace_identifiers(
    session: Session, key_lc: str, pairs: Iterable[tuple[str, str]]
) -> None:
    session.execute(delete(CIIdentifier).where(CIIdentifier.key_lc == key_lc))
    rows = [{"kind": k, "value": v[:400], "key_lc": key_lc} for k, v in pairs]
    if rows:
        session.execute(insert(CIIdentifier).values(rows).on_conflict_do_nothing())


def field_sources_of(session: Session, keys_lc: list[str]) -> dict[str, dict[str, str]]:
    """The field sources of many CIs at once."""
    found: dict[str, dict[str, str]] = {}
    if not keys_lc:
        return found
    rows = session.connection().execute(
        select(CIFieldSource.key_lc, CIFieldSource.field, CIFieldSource.source).where(
            among(CIFieldSource.key_lc, keys_lc, String())
        )
    )
    for key_lc, field, source in rows:
        found.setdefault(key_lc, {})[field] = source
    return found


def replace_identifiers_of(
    session: Session, pairs_by_key: dict[str, set[tuple[str, str]]]
) -> None:
    """Replace the identifiers of many CIs in two statements."""
    if not pairs_by_key:
        return
    session.execute(
        delete(CIIdentifier).where(
            among(CIIdentifier.key_lc, sorted(pairs_by_key), String())
        )
    )
    rows = [
        {"kind": kind, "value": value[:400], "key_lc": key_lc}
        for key_lc, pairs in pairs_by_key.items()
        for kind, value in sorted(pairs)
    ]
    if not rows:
        return
    new = json_rows(rows, kind=String(), value=String(), key_lc=String())
    session.execute(
        insert(CIIdentifier)
        .from_select(
            ["kind", "value", "key_lc"], select(new.c.kind, new.c.value, new.c.key_lc)
        )
        .on_conflict_do_nothing()
    )


def record_field_sources_of(
    session: Session, rows: list[tuple[str, str, str]], at: datetime
) -> None:
    """Upsert (key_lc, field, source) rows in one statement; one row per key and field."""
    unique = {(k, f[:300]): s for k, f, s in rows}
    if not unique:
        return
    new = json_rows(
        [
            {"key_lc": k, "field": f, "source": s}
            for (k, f), s in sorted(unique.items())
        ],
        key_lc=String(),
        field=String(),
        source=String(),
    )
    stmt = insert(CIFieldSource).from_select(
        ["key_lc", "field", "source", "updated_at"],
        select(
            new.c.key_lc,
            new.c.field,
            new.c.source,
            bindparam("at", at, type_=DateTime(timezone=True)),
        ),
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["key_lc", "field"],
            set_={
                "source": stmt.excluded.source,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


def observe_many(
    session: Session, source: str, sightings: dict[tuple[str, str], datetime]
) -> None:
    """Record many sightings ((scope, key_lc) -> when) in one statement, as `observe` does."""
    if not sightings:
        return
    new = json_rows(
        [
            {"scope": scope, "key_lc": key_lc, "at": at.isoformat()}
            for (scope, key_lc), at in sorted(sightings.items())
        ],
        scope=String(),
        key_lc=String(),
        at=DateTime(timezone=True),
    )
    stmt = insert(CIObservation).from_select(
        ["source", "scope", "key_lc", "last_seen_at", "stale_since"],
        select(
            bindparam("source", source, type_=String()),
            new.c.scope,
            new.c.key_lc,
            new.c.at,
            null(),
        ),
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["source", "scope", "key_lc"],
            set_={
                "last_seen_at": func.greatest(
                    CIObservation.last_seen_at, stmt.excluded.last_seen_at
                ),
                "stale_since": None,
            },
        )
    )


def field_sources(session: Session, key_lc: str) -> dict[str, str]:
    rows = session.execute(
        select(CIFieldSource.field, CIFieldSource.source).where(
            CIFieldSource.key_lc == key_lc
        )
    )
    return {r[0]: r[1] for r in rows}


def record_field_sources(
    session: Session, key_lc: str, fields: Iterable[str], source: str, at: datetime
) -> None:
    rows = [
        {"key_lc": key_lc, "field": f[:300], "source": source, "updated_at": at}
        for f in sorted(set(fields))
    ]
    if not rows:
        return
    stmt = insert(CIFieldSource).values(rows)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["key_lc", "field"],
            set_={
                "source": stmt.excluded.source,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


def forget_ci(session: Session, key_lc: str) -> None:
    """Drop identifiers of a deleted CI so nothing is matched to it."""
    session.execute(delete(CIIdentifier).where(CIIdentifier.key_lc == key_lc))


def get_observation(
    session: Session, source: str, scope: str, key_lc: str
) -> CIObservation | None:
    return session.get(CIObservation, (source, scope, key_lc))


def observations_of(session: Session, key_lc: str) -> list[CIObservation]:
    return list(
        session.execute(
            select(CIObservation).where(CIObservation.key_lc == key_lc)
        ).scalars()
    )


def observe(
    session: Session, source: str, scope: str, key_lc: str, seen_at: datetime
) -> None:
    """Record a sighting; never moves last_seen_at backwards; clears a stale mark."""
    stmt = insert(CIObservation).values(
        source=source,
        scope=scope,
        key_lc=key_lc,
        last_seen_at=seen_at,
        stale_since=None,
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["source", "scope", "key_lc"],
            set_={
                "last_seen_at": func.greatest(
                    CIObservation.last_seen_at, stmt.excluded.last_seen_at
                ),
                "stale_since": None,
            },
        )
    )


def unseen_in_scope(
    session: Session, source: str, scope: str, seen: set[str]
) -> list[CIObservation]:
    """Observations of a scope whose CI is live and was not in this import."""
    stmt = (
        select(CIObservation)
        .join(CIHead, CIHead.key_lc == CIObservation.key_lc)
        .where(
            CIObservation.source == source,
            CIObservation.scope == scope,
            CIHead.deleted.is_(False),
        )
        .order_by(CIObservation.key_lc)
    )
    return [o for o in session.execute(stmt).scalars() if o.key_lc not in seen]


def mark_stale(
    session: Session, source: str, scope: str, key_lc: str, at: datetime
) -> None:
    session.execute(
        update(CIObservation)
        .where(
            CIObservation.source == source,
            CIObservation.scope == scope,
            CIObservation.key_lc == key_lc,
            CIObservation.stale_since.is_(None),
        )
        .values(stale_since=at)
    )


def keys_by_name(session: Session, name: str) -> list[str]:
    """Keys of live CIs whose name equals `name`, ignoring case."""
    rows = session.execute(
        select(CIHead.key)
        .where(
            CIHead.deleted.is_(False),
            func.lower(CIHead.document["name"].astext) == name.lower(),
        )
        .order_by(CIHead.key_lc)
        .limit(10)
    )
    return [r[0] for r in rows]
