// The business services, in key order.
MATCH (s:Service)
RETURN s.key AS key
ORDER BY s.key_lc
LIMIT $limit
