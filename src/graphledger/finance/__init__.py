"""Finance reports: book value, total cost of ownership, spend and renewals."""
