// Live CIs, retired ones aside, with no live relationship in either direction.
MATCH (c:CI)
WHERE coalesce(c.status, 'operational') <> 'retired'
  AND NOT EXISTS { MATCH (c)-[r]-(:CI) WHERE r.kind IS NULL }
RETURN c.key AS key, c.key_lc AS key_lc, c.class AS class
ORDER BY c.key_lc
