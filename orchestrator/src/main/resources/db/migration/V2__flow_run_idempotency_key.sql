-- The run's Idempotency-Key, so a recovery after a crash can compensate with keys of its own run.
-- IF NOT EXISTS: databases made before migrations got the column from the old start-up script.
ALTER TABLE flow_runs ADD COLUMN IF NOT EXISTS idempotency_key VARCHAR(200);
-- FlowRecovery: WHERE outcome = 'STARTED' AND started_at <= cutoff ORDER BY started_at.
CREATE INDEX IF NOT EXISTS flow_runs_by_outcome ON flow_runs (outcome, started_at);
