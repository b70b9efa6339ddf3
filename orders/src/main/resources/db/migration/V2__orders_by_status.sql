-- PendingOrderSweeper: WHERE status = 'PENDING' AND created_at < cutoff.
CREATE INDEX IF NOT EXISTS orders_by_status_created_at ON orders (status, created_at);
