"""What the ledger's domains share: money, periods, depreciation, CSV, and monthly cost."""
