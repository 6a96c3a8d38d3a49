-- Pipelines (docs/pipelines.md): a run is a recipe run or a pipeline run; a step's run names
-- its pipeline run; a resumed pipeline run names the run it resumed and the steps it carried
-- over; a step's output is kept for the steps after it (and for `resume`).
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'recipe' CHECK (kind IN ('recipe', 'pipeline'));
ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
ALTER TABLE runs ADD COLUMN step_key TEXT;
ALTER TABLE runs ADD COLUMN resume_of TEXT;
ALTER TABLE runs ADD COLUMN carried TEXT;          -- JSON StepResult[]
ALTER TABLE runs ADD COLUMN output TEXT;           -- JSON {"value": …} once taken
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
