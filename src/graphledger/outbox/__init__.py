"""Writes that reach both stores: journal and outbox in PostgreSQL, then applied to Neo4j."""
