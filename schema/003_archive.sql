-- Version 3: archive partitions. Observations older than the hot window move
-- to plain SQLite files in dataDir/archive/ (one per UTC day, split at a size
-- cap); this table is their manifest. A row is written by the same journal
-- record that deletes the archived rows from the hot tables, so the hot DB
-- and the manifest always agree: a file on disk without a row holds only rows
-- still in the hot tables, and is removed at start.
CREATE TABLE archive_partitions (
  name TEXT PRIMARY KEY,
  -- UTC day of the rows' receive time, ms epoch of its midnight.
  day INTEGER NOT NULL,
  part INTEGER NOT NULL,
  min_id INTEGER NOT NULL,
  -- Observations with id <= max_id in the file are authoritative; a file
  -- rewritten before a crash may hold more, which the hot tables still own.
  max_id INTEGER NOT NULL,
  min_at INTEGER NOT NULL,
  max_at INTEGER NOT NULL,
  observations INTEGER NOT NULL,
  bytes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX archive_partitions_max_id ON archive_partitions(max_id);
