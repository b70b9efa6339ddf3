-- An in-progress key is leased: lease_token names the request that holds it, lease_until is when a crashed holder
-- stops blocking retries. Only the holder of the token may store the answer.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS lease_token VARCHAR(36);
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS lease_until TIMESTAMP WITH TIME ZONE;
-- the retention sweeper deletes the oldest keys first
CREATE INDEX IF NOT EXISTS idempotency_keys_by_created_at ON idempotency_keys (created_at);
