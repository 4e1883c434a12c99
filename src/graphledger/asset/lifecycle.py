"""The asset lifecycle as a state machine; disposed is final."""

STATES = (
    "planned",
    "ordered",
    "in_stock",
    "in_use",
    "in_repair",
    "retired",
    "disposed",
)
MOVES: dict[str, frozenset[str]] = {
    "planned": frozenset({"ordered", "in_stock", "retired"}),
    "ordered": frozenset({"planned", "in_stock", "in_use", "retired"}),
    "in_stock": frozenset({"in_use", "in_repair", "retired"}),
    "in_use": frozenset({"in_stock", "in_repair", "retired"}),
    "in_repair": frozenset({"in_stock", "in_use", "retired"}),
    "retired": frozenset({"in_stock", "disposed"}),
    "disposed": frozenset(),
}
# A new asset may start anywhere but at the end of its life.
INITIAL = frozenset(STATES) - {"disposed"}


def allowed_moves(state: str) -> list[str]:
    """The states an asset in `state` may move to, in lifecycle order."""
    return [s for s in STATES if s in MOVES[state]]
