// Every business service, in key order.
MATCH (s:Service)
RETURN s.key AS key
ORDER BY s.key_lc
