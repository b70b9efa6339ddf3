-- One row per order that was paid for or voided: an authorization and a void of the same order lock it, so they run
-- one after the other instead of each missing the other's uncommitted write.
CREATE TABLE IF NOT EXISTS payment_order_locks (
    order_id BIGINT PRIMARY KEY
);
