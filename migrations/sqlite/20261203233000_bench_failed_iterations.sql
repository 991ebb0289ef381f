-- Iterations of a benchmark that failed (non-zero exit), as the tool
-- reported them; NULL when it reports no exit codes. The gate refuses to
-- compare a metric whose iterations failed.
ALTER TABLE bench_metrics ADD COLUMN failed INTEGER;
