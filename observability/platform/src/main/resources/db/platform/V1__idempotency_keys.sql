-- Tables every service has (history table flowlens_platform_history, migrated before the service's own).
-- Idempotency-Key records: an in-progress request has no status yet; a finished one keeps its answer.
-- IF NOT EXISTS: databases made before migrations already have the table.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    idempotency_key VARCHAR(200) PRIMARY KEY,
    request_hash VARCHAR(64) NOT NULL,
    status INTEGER,
    content_type VARCHAR(100),
    location VARCHAR(500),
    body VARCHAR(100000),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
