-- E7: an attempt is recorded before its goose starts, with the keeper that will start it; the
-- keeper writes goose's pid and exit status next to the log, so any later goose-flow knows them.
ALTER TABLE attempts ADD COLUMN keeper_pid INTEGER;
ALTER TABLE attempts ADD COLUMN keeper_start_time TEXT;
