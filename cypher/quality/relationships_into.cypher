// Live relationships that point at a retired or stale CI from a CI that is not itself retired.
// $targets lists the retired and stale CIs (found in PostgreSQL) with the reason for each.
UNWIND $targets AS t
MATCH (a:CI)-[r]->(b:CI {key_lc: t.key_lc})
WHERE NOT type(r) STARTS WITH 'WAS_' AND coalesce(a.status, 'operational') <> 'retired'
RETURN r.id AS id, type(r) AS type, a.key AS source, a.key_lc AS source_lc,
       a.class AS source_class, b.key AS target, t.reason AS reason
ORDER BY a.key_lc, type, b.key_lc
