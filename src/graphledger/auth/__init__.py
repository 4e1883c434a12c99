"""Bearer tokens, roles, and the dependencies each route states its roles with."""
