-- +goose Up
-- Every statement names one application, and the planner's estimate for
-- an application comes from the table's statistics. Autovacuum refreshes
-- them after a fraction of the table has changed (10 % by default), so a
-- new application in a large table can be "empty" to the planner long
-- after it holds thousands of sessions, and lookups by it may then walk
-- all its rows. These tables are analyzed after a fixed number of changed
-- rows instead, whatever their size (an ANALYZE reads a fixed sample).
ALTER TABLE sessions SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
ALTER TABLE session_identifiers SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 50000);
ALTER TABLE share_tokens SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
ALTER TABLE imports SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);

-- +goose Down
ALTER TABLE sessions RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
ALTER TABLE session_identifiers RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
ALTER TABLE share_tokens RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
ALTER TABLE imports RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
