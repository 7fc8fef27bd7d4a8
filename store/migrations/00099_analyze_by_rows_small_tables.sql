-- +goose Up
-- 00097's fixed thresholds made small tables wait longer than the default
-- (50 rows + 10 %): a 2,000-session table went from 250 changed rows to
-- 10,000. A small fraction plus a modest floor keeps small tables as they
-- were and analyzes large ones long before 10 % of them has changed.
ALTER TABLE sessions SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 500);
ALTER TABLE session_identifiers SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 2000);
ALTER TABLE share_tokens SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 500);
ALTER TABLE imports SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 500);

-- +goose Down
ALTER TABLE sessions SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
ALTER TABLE session_identifiers SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 50000);
ALTER TABLE share_tokens SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
ALTER TABLE imports SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
