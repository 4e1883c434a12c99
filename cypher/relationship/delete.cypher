// Apply relationship deletes from the outbox, for one relationship type (REL_TYPE, replaced by the
// registry's name of it). The live relationship is replaced by a historical one of type
// WAS_<type> between the same CIs, carrying its properties, `kind` (the live type) and the
// instant it ended: live traversals never see it, "as of" traversals do. A replay finds nothing.
UNWIND $rows AS row
MATCH (a:CI {key_lc: row.source_lc})-[r:REL_TYPE {id: row.id}]->(b)
CREATE (a)-[h:$('WAS_' + type(r))]->(b)
SET h = properties(r), h.kind = type(r), h.valid_to = row.at_ms
DELETE r
RETURN count(*) AS applied
