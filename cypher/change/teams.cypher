// Teams that manage the given CIs (targets of MANAGED_BY), to notify about a change.
UNWIND $keys AS k
MATCH (c:CI {key_lc: k})-[:MANAGED_BY]->(t:CI)
RETURN k AS key_lc, c.key AS key, t.key AS team, t.name AS team_name, t.owner AS team_owner
