// Redundancy groups among the given CIs as they stood at instant $t (epoch milliseconds).
UNWIND $keys AS k
CALL (k) {
  MATCH (g:CI {key_lc: k}) RETURN g
  UNION
  MATCH (g:DeletedCI {key_lc: k}) RETURN g
}
MATCH (g)<-[r]-(m)
WHERE coalesce(r.kind, type(r)) = 'MEMBER_OF'
  AND coalesce(r.valid_from, 0) <= $t AND coalesce(r.valid_to, $forever) > $t
RETURN g.key_lc AS key_lc, count(m) AS members, g.min_members_up AS min_members_up
