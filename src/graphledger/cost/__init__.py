"""Cost entries: what an asset cost in a month beyond its purchase (repairs, support, cloud)."""
