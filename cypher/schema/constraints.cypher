// Applied at every start; each statement is idempotent.
// CI keys are unique case-insensitively: key_lc holds the lower-cased key.
CREATE CONSTRAINT ci_key_lc_unique IF NOT EXISTS FOR (c:CI) REQUIRE c.key_lc IS UNIQUE;
CREATE INDEX deleted_ci_key_lc IF NOT EXISTS FOR (c:DeletedCI) ON (c.key_lc);
CREATE INDEX ci_class IF NOT EXISTS FOR (c:CI) ON (c.class);
CREATE INDEX ci_status IF NOT EXISTS FOR (c:CI) ON (c.status);
CREATE INDEX ci_owner IF NOT EXISTS FOR (c:CI) ON (c.owner);
CREATE INDEX rel_depends_on_id IF NOT EXISTS FOR ()-[r:DEPENDS_ON]-() ON (r.id);
CREATE INDEX rel_runs_on_id IF NOT EXISTS FOR ()-[r:RUNS_ON]-() ON (r.id);
CREATE INDEX rel_hosted_on_id IF NOT EXISTS FOR ()-[r:HOSTED_ON]-() ON (r.id);
CREATE INDEX rel_located_in_id IF NOT EXISTS FOR ()-[r:LOCATED_IN]-() ON (r.id);
CREATE INDEX rel_member_of_id IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.id);
CREATE INDEX rel_connects_to_id IF NOT EXISTS FOR ()-[r:CONNECTS_TO]-() ON (r.id);
CREATE INDEX rel_managed_by_id IF NOT EXISTS FOR ()-[r:MANAGED_BY]-() ON (r.id);
CREATE INDEX rel_documented_by_id IF NOT EXISTS FOR ()-[r:DOCUMENTED_BY]-() ON (r.id);
CREATE INDEX rel_part_of_id IF NOT EXISTS FOR ()-[r:PART_OF]-() ON (r.id)
