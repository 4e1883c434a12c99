"""SQL for the health report and the merge; nothing else in this package touches the database."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
    values,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from graphledger.models import Asset, CIHead, RelationshipHead
from graphledger.quality.identifiers import (
    IDENTIFIER_ATTRIBUTES,
    MIN_SERIAL_LENGTH,
    PLACEHOLDERS,
)

LIVE = CIHead.deleted.is_(False)
ATTRIBUTES = CIHead.document["attributes"]


def _text_attribute(name: Any) -> ColumnElement[str]:
    return ATTRIBUTES.op("->>")(name)  # type: ignore[no-any-return]


def _blank(value: ColumnElement[Any]) -> ColumnElement[bool]:
    return func.coalesce(func.btrim(value), "") == ""


def class_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Per class: live CIs and how many of them are retired."""
    retired = func.count().filter(CIHead.document["status"].astext == "retired")
    rows = session.execute(
        select(CIHead.class_name, func.count(), retired)
        .where(LIVE)
        .group_by(CIHead.class_name)
    ).all()
    return {name: (total, gone) for name, total, gone in rows}


def missing_attributes(
    session: Session, checks: Sequence[tuple[str, str, str]]
) -> list[tuple[str, str, str, str]]:
    """(key, class, attribute, kind) for every (class, attribute, kind) check a CI fails."""
    if not checks:
        return []
    wanted = values(
        column("cls", String),
        column("attr", String),
        column("kind", String),
        name="wanted",
    ).data(list(checks))
    rows = session.execute(
        select(CIHead.key, CIHead.class_name, wanted.c.attr, wanted.c.kind)
        .join(wanted, wanted.c.cls == CIHead.class_name)
        .where(LIVE, _blank(_text_attribute(wanted.c.attr)))
        .order_by(CIHead.key_lc, wanted.c.attr)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def without_owner(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(CIHead.key, CIHead.class_name)
        .where(LIVE, _blank(CIHead.document["owner"].astext))
        .order_by(CIHead.key_lc)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def hardware_without_asset(
    session: Session, classes: Sequence[str]
) -> list[tuple[str, str]]:
    linked = exists().where(Asset.ci_key == CIHead.key_lc)
    rows = session.execute(
        select(CIHead.key, CIHead.class_name)
        .where(LIVE, CIHead.class_name.in_(classes), not_(linked))
        .order_by(CIHead.key_lc)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def in_use_assets_without_ci(session: Session) -> list[Asset]:
    """In-use assets with no CI, or pointing at a CI that no longer lives."""
    live_ci = exists().where(CIHead.key_lc == Asset.ci_key, LIVE)
    return list(
        session.execute(
            select(Asset)
            .where(Asset.state == "in_use", or_(Asset.ci_key.is_(None), ~live_ci))
            .order_by(Asset.id)
        ).scalars()
    )


def in_use_asset_count(session: Session) -> int:
    return session.execute(
        select(func.count()).where(Asset.state == "in_use")
    ).scalar_one()


def _normalised(kind: str, raw: ColumnElement[str]) -> ColumnElement[str]:
    """The SQL twin of identifiers.NORMALISERS[kind]."""
    if kind == "serial":
        return func.upper(func.regexp_replace(raw, r"\s+", "", "g"))
    if kind == "hostname":
        host = func.rtrim(func.lower(func.btrim(raw)), ".")
        ipv4 = host.op("~")(r"^\d{1,3}(\.\d{1,3}){3}$")
        return case((ipv4, host), else_=func.split_part(host, ".", 1))
    if kind == "mac":
        return func.regexp_replace(func.lower(raw), "[^0-9a-f]", "", "g")
    return func.lower(func.btrim(raw))


def _real(kind: str, norm: ColumnElement[str]) -> ColumnElement[bool]:
    """The SQL twin of identifiers.is_real."""
    checks = [
        norm != "",
        norm.notin_(sorted(PLACEHOLDERS[kind])),
        norm.op("!~")(r"^(.)\1*$"),
    ]
    if kind == "serial":
        checks.append(func.length(norm) >= MIN_SERIAL_LENGTH)
    if kind == "mac":
        checks.append(func.length(norm) == 12)
    return and_(*checks)


def shared_identifiers(session: Session) -> list[dict[str, Any]]:
    """Identifier values (normalised, real ones only) that more than one live CI carries."""
    parts = []
    for kind, names in IDENTIFIER_ATTRIBUTES.items():
        for name in names:
            raw = _text_attribute(literal(name))
            norm = _normalised(kind, raw)
            json_type = func.jsonb_typeof(ATTRIBUTES.op("->")(literal(name)))
            parts.append(
                select(
                    literal(kind).label("kind"),
                    literal(name).label("attribute"),
                    CIHead.key_lc.label("key_lc"),
                    CIHead.key.label("key"),
                    CIHead.class_name.label("class_name"),
                    raw.label("value"),
                    norm.label("norm"),
                ).where(LIVE, json_type.in_(("string", "number")), _real(kind, norm))
            )
    found = union_all(*parts).cte("found")
    shared = (
        select(found.c.kind, found.c.norm)
        .group_by(found.c.kind, found.c.norm)
        .having(func.count(func.distinct(found.c.key_lc)) > 1)
        .cte("shared")
    )
    rows = session.execute(
        select(found)
        .join(
            shared, and_(shared.c.kind == found.c.kind, shared.c.norm == found.c.norm)
        )
        .order_by(found.c.kind, found.c.norm, found.c.key_lc, found.c.attribute)
    ).mappings()
    return [dict(r) for r in rows]


def name_violations(
    session: Session, class_name: str, field: str, pattern: str
) -> list[tuple[str, str, str]]:
    """(key, class, value) of CIs of a class whose key or name does not match the pattern."""
    value = CIHead.key if field == "key" else CIHead.document["name"].astext
    rows = session.execute(
        select(CIHead.key, CIHead.class_name, value)
        .where(
            LIVE,
            CIHead.class_name == class_name,
            not_(func.coalesce(value.op("~")(pattern), false())),
        )
        .order_by(CIHead.key_lc)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def missing_tags(
    session: Session, checks: Sequence[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(key, class, tag) for every (class, tag) rule a CI fails."""
    if not checks:
        return []
    wanted = values(
        column("cls", String), column("tag", String), name="wanted_tags"
    ).data(list(checks))
    has_tag = or_(
        func.coalesce(ATTRIBUTES["tags"].op("?")(wanted.c.tag), false()),
        func.coalesce(ATTRIBUTES["labels"].op("?")(wanted.c.tag), false()),
    )
    rows = session.execute(
        select(CIHead.key, CIHead.class_name, wanted.c.tag)
        .join(wanted, wanted.c.cls == CIHead.class_name)
        .where(LIVE, not_(has_tag))
        .order_by(CIHead.key_lc, wanted.c.tag)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def last_seen() -> ColumnElement[datetime]:
    """When a source last saw the CI; a CI no source reports counts as seen when last edited."""
    return func.coalesce(
        CIHead.document["last_seen_at"].astext.cast(TIMESTAMP(timezone=True)),
        CIHead.updated_at,
    )


def stale(session: Session, cutoff: datetime) -> list[tuple[str, str, str, datetime]]:
    """(key, key_lc, class, last seen) of live, not retired CIs not seen since the cutoff."""
    seen = last_seen()
    rows = session.execute(
        select(CIHead.key, CIHead.key_lc, CIHead.class_name, seen)
        .where(
            LIVE,
            CIHead.document["status"].astext != "retired",
            seen < cutoff,
        )
        .order_by(CIHead.key_lc)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def retired(session: Session) -> list[str]:
    """key_lc of live CIs whose status is retired."""
    return list(
        session.execute(
            select(CIHead.key_lc)
            .where(LIVE, CIHead.document["status"].astext == "retired")
            .order_by(CIHead.key_lc)
        ).scalars()
    )


def live_relationships_into(
    session: Session, keys_lc: Sequence[str]
) -> list[RelationshipHead]:
    """Live relationships whose target is one of the given CIs."""
    return list(
        session.execute(
            select(RelationshipHead).where(
                RelationshipHead.deleted.is_(False),
                RelationshipHead.target_lc.in_(list(keys_lc)),
            )
        ).scalars()
    )


def truncate_everything(session: Session) -> None:
    """Empty every table of the model (the evaluation's fresh start; never used by the API)."""
    from sqlalchemy import text

    from graphledger.models import Base

    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def live_heads(session: Session) -> list[CIHead]:
    return list(
        session.execute(select(CIHead).where(LIVE).order_by(CIHead.key_lc)).scalars()
    )
