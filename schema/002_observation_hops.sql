-- Version 2: hop count per observation, so path-length statistics and filters
-- need no string parsing. New rows are written with it; existing rows are
-- filled by the sliced background task "backfill_hops" (daemon/store/tasks.ts),
-- which resumes from its watermark after a restart.
ALTER TABLE observations ADD COLUMN hops INTEGER;
INSERT INTO tasks (name, watermark, done, total)
  VALUES ('backfill_hops', 0, 0, (SELECT count(*) FROM observations));
