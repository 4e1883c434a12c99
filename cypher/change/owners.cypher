// Owner and status of the changed CIs themselves.
UNWIND $keys AS k
MATCH (c:CI {key_lc: k})
RETURN k AS key_lc, c.owner AS owner, c.status AS status
