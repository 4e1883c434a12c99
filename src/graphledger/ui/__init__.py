"""The web console under /ui: a sign-in page, one page shell and its scripts, served in-process."""
