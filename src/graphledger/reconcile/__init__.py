"""Drift between the two stores: found, reported, and repaired where that is safe."""
