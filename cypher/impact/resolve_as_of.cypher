// The CIs that existed at instant $t (epoch milliseconds) among the given normalised keys.
UNWIND $keys AS k
CALL (k) {
  MATCH (c:CI {key_lc: k}) RETURN c
  UNION
  MATCH (c:DeletedCI {key_lc: k}) RETURN c
}
WITH c
WHERE coalesce(c.valid_from, 0) <= $t AND coalesce(c.valid_to, $forever) > $t
RETURN c.key_lc AS key_lc, c.key AS key
