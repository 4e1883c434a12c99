"""Assets: what we own, its lifecycle, its link to at most one CI, and its depreciation."""
