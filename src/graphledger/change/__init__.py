"""Change assessment: who and what a planned change touches, and what is at stake."""
