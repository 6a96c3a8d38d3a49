-- Runs, their attempts, their timeline, and the recipe snapshots they executed.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE recipe_snapshots (
  hash        TEXT PRIMARY KEY,           -- sha256 of the recipe text and its sub-recipes
  source_path TEXT NOT NULL,              -- where it was read from (informational)
  entry       TEXT NOT NULL,              -- the recipe file inside recipes/<hash>/
  created_at  INTEGER NOT NULL
);

CREATE TABLE runs (
  id                  TEXT PRIMARY KEY,
  status              TEXT NOT NULL CHECK (status IN
                        ('pending','running','retrying','succeeded','failed','timed_out','cancelled')),
  trigger             TEXT NOT NULL,
  schedule_id         TEXT,
  recipe_path         TEXT NOT NULL,
  recipe_hash         TEXT NOT NULL REFERENCES recipe_snapshots(hash),
  params              TEXT NOT NULL,      -- JSON object of bound parameters
  options             TEXT NOT NULL,      -- JSON RunOptions
  created_at          INTEGER NOT NULL,
  started_at          INTEGER,
  ended_at            INTEGER,
  attempt_count       INTEGER NOT NULL DEFAULT 0,
  next_attempt_at     INTEGER,
  session_id          TEXT,
  exit_code           INTEGER,
  error               TEXT,
  cancel_requested_at INTEGER,
  owner_pid           INTEGER,            -- the goose-flow process driving the run
  owner_start_time    TEXT
);
CREATE INDEX runs_by_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC);
CREATE INDEX runs_by_schedule ON runs (schedule_id, created_at DESC);

CREATE TABLE attempts (
  run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  number          INTEGER NOT NULL,
  status          TEXT NOT NULL,
  pid             INTEGER,
  pid_start_time  TEXT,
  started_at      INTEGER NOT NULL,
  ended_at        INTEGER,
  deadline_at     INTEGER NOT NULL,
  heartbeat_at    INTEGER,
  exit_code       INTEGER,
  signal          TEXT,
  failure         TEXT,
  log_path        TEXT NOT NULL,
  log_bytes       INTEGER NOT NULL DEFAULT 0,
  log_truncated   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, number)
);
CREATE INDEX attempts_running ON attempts (status) WHERE status = 'running';

CREATE TABLE events (
  seq     INTEGER PRIMARY KEY,        -- rowid: monotonic while old events are deleted first
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,
  type    TEXT NOT NULL,
  attempt INTEGER,
  data    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_run ON events (run_id, seq);
