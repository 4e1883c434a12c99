"""Bulk imports: read a source, transform it to CIs and relationships, load, report."""
