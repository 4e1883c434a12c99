// One breadth-first step of impact: from each CI of the frontier to the CIs its failure reaches.
// Impact travels against the arrow for `inbound` types (a dependant needs its target), along the
// arrow for `outbound` types (member to group), and both ways for `both` types. The caller keeps
// the visited set, so every CI and relationship is expanded at most once: no path is enumerated.
// Passing the direction lists swapped walks upstream instead (what a CI needs), for root causes.
UNWIND $frontier AS from_key
MATCH (n:CI {key_lc: from_key})-[r]-(m:CI)
WITH from_key, n, r, m, type(r) AS t
WHERE (t IN $inbound AND endNode(r) = n)
   OR (t IN $outbound AND startNode(r) = n)
   OR t IN $both
RETURN from_key, m.key_lc AS to_key, m.key AS key, t AS type, m.class AS class, m.name AS name,
       m.owner AS owner, m.status AS status, r.weight AS weight
