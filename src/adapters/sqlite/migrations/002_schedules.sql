-- Schedules, the ledger of their occurrences, and the daemon's lock.

CREATE TABLE schedules (
  id                TEXT PRIMARY KEY,
  expression        TEXT NOT NULL,          -- as the user gave it
  timezone          TEXT NOT NULL,
  jitter_ms         INTEGER NOT NULL DEFAULT 0,
  start_at          INTEGER,
  end_at            INTEGER,
  overlap           TEXT NOT NULL,
  catchup_window_ms INTEGER NOT NULL,
  catchup_latest    INTEGER NOT NULL,
  pause_on_failure  INTEGER NOT NULL,
  paused            INTEGER NOT NULL,
  note              TEXT,
  remaining_actions INTEGER,                -- NULL = unlimited
  action            TEXT NOT NULL,          -- JSON ScheduleAction: recipe snapshot, params, run options
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  decided_through   INTEGER NOT NULL,       -- every occurrence up to here has its decision
  next_scheduled_at INTEGER,                -- derived from the spec and decided_through, kept so a
  next_fire_at      INTEGER,                --   daemon starts without compiling 10,000 crons
  version           INTEGER NOT NULL        -- change counter value of the last change
);
CREATE INDEX schedules_by_version ON schedules (version);

-- Removed schedules, so a daemon reloading changes since version V learns of removals too.
CREATE TABLE schedule_removals (
  id      TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX schedule_removals_by_version ON schedule_removals (version);

-- One row per decided occurrence: its fate is recorded exactly once (the primary key).
CREATE TABLE occurrences (
  schedule_id  TEXT NOT NULL,
  scheduled_at INTEGER NOT NULL,
  source       TEXT NOT NULL CHECK (source IN ('schedule','trigger','backfill')),
  decision     TEXT NOT NULL CHECK (decision IN
                 ('started','skipped_overlap','buffered','missed_catchup','skipped_paused')),
  run_id       TEXT,                        -- the run it started (for buffered: once released)
  decided_at   INTEGER NOT NULL,
  released_at  INTEGER,                     -- buffered: when its run was created
  detail       TEXT NOT NULL DEFAULT '{}',  -- e.g. {lateByMs}, {count, through} for a collapsed range
  PRIMARY KEY (schedule_id, scheduled_at, source)
);
CREATE INDEX occurrences_recent ON occurrences (schedule_id, decided_at DESC);
CREATE INDEX occurrences_waiting ON occurrences (schedule_id, scheduled_at)
  WHERE decision = 'buffered' AND released_at IS NULL;

-- Monotonic counters other processes poll to notice changes cheaply.
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('schedules', 0), ('dispatch', 0);

-- At most one `goose-flow serve` per data dir.
CREATE TABLE daemon (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  pid        INTEGER NOT NULL,
  start_time TEXT,
  started_at INTEGER NOT NULL
);
