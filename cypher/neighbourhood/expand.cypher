// One breadth-first step of the dependency map: every live relationship of each CI of the
// frontier, in both directions, with the CI at its other end. The caller keeps the visited set
// and expands each CI once, so the work stays linear: no path is enumerated. `$limit` bounds the
// rows of one step, so a hub with a huge fan-out cannot flood a single request.
UNWIND $frontier AS from_key
MATCH (n:CI {key_lc: from_key})-[r]-(m:CI)
WHERE r.kind IS NULL
RETURN from_key, r.id AS id, type(r) AS type, startNode(r) = n AS outbound,
       m.key_lc AS to_key, m.key AS key, m.class AS class, m.name AS name,
       m.owner AS owner, m.status AS status, m.min_members_up AS min_members_up
ORDER BY from_key, type, to_key
LIMIT $limit
