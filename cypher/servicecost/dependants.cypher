// For each given CI, the CIs its cost flows to (those that need it under the walked types), with
// the relationship's weight, 0 where it has none (the caller weighs that as 1; collect would drop a
// null and misalign the two lists). Only keys and weights: the dependants' details are never shown.
UNWIND $frontier AS from_key
MATCH (n:CI {key_lc: from_key})-[r]-(m:CI)
WITH from_key, n, r, m, type(r) AS t
WHERE (t IN $inbound AND endNode(r) = n)
   OR (t IN $outbound AND startNode(r) = n)
   OR t IN $both
RETURN from_key, collect(m.key_lc) AS keys, collect(coalesce(r.weight, 0)) AS weights
