"""The HTTP API that joins the graph and the ledger."""
