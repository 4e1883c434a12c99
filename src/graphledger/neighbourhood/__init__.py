"""The dependency map around a CI: its neighbourhood to a depth, for the web console."""
