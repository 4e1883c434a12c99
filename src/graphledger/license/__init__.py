"""Licenses, their seats held by people or CIs, and compliance."""
