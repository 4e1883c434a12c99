// Everything a walk reaches, in one round trip: the product's own procedure (tools/neo4j-procedures)
// walks breadth-first inside the database, each CI once, following $inbound types against the arrow,
// $outbound along it and $both either way, up to $depth steps and $limit CIs besides the starts.
// One row of parallel columns comes back: the CIs in the product's order (starts first, then by
// distance, then by the key of the CI each is first reached from, then by key) with their details,
// distance, the index of that CI and member count, and the walked relationships among them as
// (from, to, type) index triples; the numeric columns come as little-endian 32-bit integers packed
// in bytes. impact/service.py says why not a pattern.
CALL graphledger.region($keys, $inbound, $outbound, $both, $depth, $limit)
YIELD keys, depths, parents, display, classes, names, owners, statuses, minMembersUp, members,
      edges, types, beyondDepth
RETURN keys, depths, parents, display, classes, names, owners, statuses, minMembersUp, members,
       edges, types, beyondDepth
