"""Cost centers: where assets are charged, in a tree through `parent_id`."""
