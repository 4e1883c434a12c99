"""Graphledger: a graph-backed CMDB with an ITAM ledger beside it."""
