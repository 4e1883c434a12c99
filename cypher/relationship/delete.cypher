// Apply relationship deletes from the outbox, anchored on the source node.
UNWIND $rows AS row
MATCH (:CI {key_lc: row.source_lc})-[r {id: row.id}]->()
DELETE r
RETURN count(*) AS applied
