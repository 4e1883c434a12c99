// Apply relationship creates and updates from the outbox, for one relationship type: REL_TYPE is
// replaced by that type's name from the registry (never from input) before the statement runs.
// With the type known, MERGE finds the relationship by the unique seek on (type, id).
UNWIND $rows AS row
MATCH (a:CI {key_lc: row.source_lc})
MATCH (b:CI {key_lc: row.target_lc})
MERGE (a)-[r:REL_TYPE {id: row.id}]->(b)
ON CREATE SET r.valid_from = row.at_ms
SET r += row.props, r.change_id = row.change_id
RETURN count(r) AS applied
