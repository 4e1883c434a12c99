// Every live relationship id of the graph, one page at a time.
MATCH (:CI)-[r]->(:CI)
WHERE r.kind IS NULL AND r.id IS NOT NULL AND r.id > $after
RETURN r.id AS id
ORDER BY r.id
LIMIT $limit
