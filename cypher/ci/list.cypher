// One page of CIs in key order, after the cursor, with optional filters.
MATCH (c:CI)
WHERE c.key_lc > $after
  AND ($class IS NULL OR c.class = $class)
  AND ($status IS NULL OR c.status = $status)
  AND ($owner IS NULL OR toLower(c.owner) = $owner)
  AND ($q IS NULL OR c.key_lc CONTAINS $q OR toLower(c.name) CONTAINS $q)
RETURN properties(c) AS ci
ORDER BY c.key_lc
LIMIT $limit
