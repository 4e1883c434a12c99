"""Configuration items: schemas, the write path through journal and outbox, and the routes."""
