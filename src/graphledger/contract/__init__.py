"""Contracts: support, maintenance, lease, warranty or subscription, and the assets they cover."""
