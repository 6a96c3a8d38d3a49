-- The two built-in system jobs (run scanner, history scanner): when they last ran and what they did.
CREATE TABLE system_jobs (
  name             TEXT PRIMARY KEY,
  every_ms         INTEGER NOT NULL,
  last_started_at  INTEGER,
  last_finished_at INTEGER,
  last_result      TEXT                    -- JSON: what the last pass did, or its error
);
INSERT INTO system_jobs (name, every_ms) VALUES ('run-scanner', 30000), ('history-scanner', 3600000);

CREATE INDEX runs_by_ended ON runs (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX attempts_heartbeat ON attempts (heartbeat_at) WHERE status = 'running';
