"""Vendors: who sells us assets, contracts and licenses."""
