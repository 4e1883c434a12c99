// One breadth-first step of impact over the graph as it stood at instant $t (epoch milliseconds):
// live and deleted CIs and relationships count when their validity interval holds $t. Historical
// relationships carry their live type in `kind`. Same direction rules as the live walk (impact/region).
UNWIND $frontier AS from_key
CALL (from_key) {
  MATCH (n:CI {key_lc: from_key}) RETURN n
  UNION
  MATCH (n:DeletedCI {key_lc: from_key}) RETURN n
}
WITH from_key, n
WHERE coalesce(n.valid_from, 0) <= $t AND coalesce(n.valid_to, $forever) > $t
MATCH (n)-[r]-(m)
WHERE coalesce(r.valid_from, 0) <= $t AND coalesce(r.valid_to, $forever) > $t
WITH from_key, n, r, m, coalesce(r.kind, type(r)) AS t
WHERE (t IN $inbound AND endNode(r) = n)
   OR (t IN $outbound AND startNode(r) = n)
   OR t IN $both
RETURN from_key, m.key_lc AS to_key, m.key AS key, t AS type, m.class AS class, m.name AS name,
       m.owner AS owner
