// Apply relationship creates and updates from the outbox. The type comes from the registry.
UNWIND $rows AS row
MATCH (a:CI {key_lc: row.source_lc})
MATCH (b:CI {key_lc: row.target_lc})
MERGE (a)-[r:$(row.type) {id: row.id}]->(b)
ON CREATE SET r.valid_from = row.at_ms
SET r += row.props, r.change_id = row.change_id
RETURN collect(row.id) AS applied
