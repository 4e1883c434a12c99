"""Who may do what: the role sets that routes name in their signatures."""

VIEWER, SRE, CHANGE_MANAGER, FINANCE, ADMIN = (
    "viewer",
    "sre",
    "change_manager",
    "finance",
    "admin",
)
ROLES = (VIEWER, SRE, CHANGE_MANAGER, FINANCE, ADMIN)

TOPOLOGY_READ = frozenset(ROLES)
TOPOLOGY_WRITE = frozenset({SRE, CHANGE_MANAGER, ADMIN})
MONEY_READ = frozenset({FINANCE, ADMIN})
LEDGER_WRITE = frozenset({FINANCE, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})


def sees_money(role: str) -> bool:
    """Money reaches finance and admin only."""
    return role in MONEY_READ
