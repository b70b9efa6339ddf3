-- Orchestrators that share one database must not both recover the same stale run: a round claims a run with a
-- conditional UPDATE on these columns before it compensates, and a claim left by an orchestrator that died expires
-- at recovery_claimed_until. Plain columns and UPDATE ... WHERE, so H2 and PostgreSQL run it the same way.
ALTER TABLE flow_runs ADD COLUMN IF NOT EXISTS recovery_claimed_by VARCHAR(64);
ALTER TABLE flow_runs ADD COLUMN IF NOT EXISTS recovery_claimed_until TIMESTAMP WITH TIME ZONE;
