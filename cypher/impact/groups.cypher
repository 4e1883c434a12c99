// Redundancy groups among the given CIs: how many members each has and how many must stay up.
UNWIND $keys AS k
MATCH (g:CI {key_lc: k})<-[:MEMBER_OF]-(m:CI)
RETURN g.key_lc AS key_lc, count(m) AS members, g.min_members_up AS min_members_up
