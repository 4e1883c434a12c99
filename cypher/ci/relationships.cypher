// Every relationship of one CI, both directions, as stored.
MATCH (c:CI {key_lc: $key_lc})-[r]-(other:CI)
WHERE r.kind IS NULL
RETURN r.id AS id, type(r) AS type, startNode(r) = c AS outbound,
       other.key AS other_key, properties(r) AS props
ORDER BY type, other.key_lc
LIMIT $limit
