// Apply CI deletes from the outbox; the CI's relationships go with it.
UNWIND $rows AS row
MATCH (c:CI {key_lc: row.key_lc})
WHERE coalesce(c.change_id, -1) < row.change_id
DETACH DELETE c
RETURN count(*) AS applied
