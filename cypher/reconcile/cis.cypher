// Every live CI of the graph with the version it reflects, in key order, one page at a time.
MATCH (c:CI)
WHERE c.key_lc > $after
RETURN c.key_lc AS key_lc, c.version AS version
ORDER BY c.key_lc
LIMIT $limit
