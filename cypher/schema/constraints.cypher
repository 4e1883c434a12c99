// Applied at every start; each statement is idempotent.
// CI keys are unique case-insensitively: key_lc holds the lower-cased key.
CREATE CONSTRAINT ci_key_lc_unique IF NOT EXISTS FOR (c:CI) REQUIRE c.key_lc IS UNIQUE;
CREATE INDEX deleted_ci_key_lc IF NOT EXISTS FOR (c:DeletedCI) ON (c.key_lc);
CREATE INDEX ci_class IF NOT EXISTS FOR (c:CI) ON (c.class);
CREATE INDEX ci_status IF NOT EXISTS FOR (c:CI) ON (c.status);
CREATE INDEX ci_owner IF NOT EXISTS FOR (c:CI) ON (c.owner);
// A live relationship's id is unique within its type, one constraint per registry type. The
// outbox finds a relationship by type and id; a unique seek is the plan Neo4j picks whatever its
// statistics say, where a plain index left it free to scan every relationship per row while the
// graph was still empty (an import into a new graph went quadratic). The plain indexes these
// constraints replace are dropped first (the two cannot cover one property): the names
// differ, so a second start drops nothing that a constraint owns.
DROP INDEX rel_depends_on_id IF EXISTS;
DROP INDEX rel_runs_on_id IF EXISTS;
DROP INDEX rel_hosted_on_id IF EXISTS;
DROP INDEX rel_located_in_id IF EXISTS;
DROP INDEX rel_member_of_id IF EXISTS;
DROP INDEX rel_connects_to_id IF EXISTS;
DROP INDEX rel_managed_by_id IF EXISTS;
DROP INDEX rel_documented_by_id IF EXISTS;
DROP INDEX rel_part_of_id IF EXISTS;
CREATE CONSTRAINT rel_depends_on_id_unique IF NOT EXISTS FOR ()-[r:DEPENDS_ON]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_runs_on_id_unique IF NOT EXISTS FOR ()-[r:RUNS_ON]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_hosted_on_id_unique IF NOT EXISTS FOR ()-[r:HOSTED_ON]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_located_in_id_unique IF NOT EXISTS FOR ()-[r:LOCATED_IN]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_member_of_id_unique IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_connects_to_id_unique IF NOT EXISTS FOR ()-[r:CONNECTS_TO]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_managed_by_id_unique IF NOT EXISTS FOR ()-[r:MANAGED_BY]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_documented_by_id_unique IF NOT EXISTS FOR ()-[r:DOCUMENTED_BY]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT rel_part_of_id_unique IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE r.id IS UNIQUE
