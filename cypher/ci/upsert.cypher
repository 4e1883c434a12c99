// Apply CI creates and updates from the outbox, in order. A row older than what the node already
// reflects (a replay after a crash) changes nothing. The class label follows the registry's value.
UNWIND $rows AS row
MERGE (c:CI {key_lc: row.key_lc})
ON CREATE SET c.valid_from = row.at_ms
WITH c, row
WHERE coalesce(c.change_id, -1) < row.change_id
REMOVE c:$([label IN labels(c) WHERE label <> 'CI'])
SET c:$(row.class), c += row.props, c.change_id = row.change_id
RETURN count(c) AS applied
