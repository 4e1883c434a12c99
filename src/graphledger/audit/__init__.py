"""The audit log of writes and denied requests."""
