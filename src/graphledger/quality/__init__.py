"""Data quality: the health report, duplicates, CI merge and the planted-fault evaluation."""
