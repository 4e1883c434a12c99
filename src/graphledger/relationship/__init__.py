"""Typed relationships between CIs: the registry's types, journalled like CIs."""
