// The CIs of the graph among the given normalised keys.
MATCH (c:CI)
WHERE c.key_lc IN $keys
RETURN c.key_lc AS key_lc, c.key AS key
