// Live CIs, retired ones aside, with no live relationship in either direction (ended ones are
// kept as WAS_<type> and do not count).
MATCH (c:CI)
WHERE coalesce(c.status, 'operational') <> 'retired'
  AND NOT EXISTS { MATCH (c)-[r]-(:CI) WHERE NOT type(r) STARTS WITH 'WAS_' }
RETURN c.key AS key, c.key_lc AS key_lc, c.class AS class
ORDER BY c.key_lc
