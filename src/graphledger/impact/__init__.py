"""Impact analysis: what a change or failure reaches, at what distance, by which path."""
