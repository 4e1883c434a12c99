MATCH (c:CI {key_lc: $key_lc})
RETURN properties(c) AS ci
