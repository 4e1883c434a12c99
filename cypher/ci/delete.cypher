// Apply CI deletes from the outbox. The node leaves the live graph (label CI and its class label
// go) but stays as a DeletedCI with the instant it ended, so impact "as of" an earlier instant can
// still walk through it. Its relationships were ended by the journal rows that precede this one.
UNWIND $rows AS row
MATCH (c:CI {key_lc: row.key_lc})
WHERE coalesce(c.change_id, -1) < row.change_id
REMOVE c:CI
REMOVE c:$([label IN labels(c) WHERE label <> 'CI'])
SET c:DeletedCI, c.valid_to = row.at_ms, c.change_id = row.change_id
RETURN count(*) AS applied
