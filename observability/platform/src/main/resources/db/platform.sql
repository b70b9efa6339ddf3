-- Tables every service has, applied at start after the service's own db/schema.sql (idempotent).
-- Idempotency-Key records: an in-progress request has no status yet; a finished one keeps its answer.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    idempotency_key VARCHAR(200) PRIMARY KEY,
    request_hash VARCHAR(64) NOT NULL,
    status INTEGER,
    content_type VARCHAR(100),
    location VARCHAR(500),
    body VARCHAR(100000),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
