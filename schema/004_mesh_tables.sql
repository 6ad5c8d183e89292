-- Version 4: the mesh model's state in rows, written in small batches as it
-- changes (never one value in meta). Written only through the store's
-- journaled "mesh" operation (daemon/store/mesh-rows.ts).

-- The `edges` table of version 1 was never written; it is replaced by the
-- evidence graph: one row per pair of path tokens as heard (a full key, `@`
-- + a radio id, or `?` + a path hash), a < b. Which nodes a row joins is
-- worked out again from these rows at every start (daemon/mesh/resolve.ts).
DROP TABLE edges;
CREATE TABLE edges (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  sightings INTEGER NOT NULL,
  observations INTEGER NOT NULL,
  score REAL NOT NULL,
  score_at INTEGER NOT NULL,
  hash_sizes INTEGER NOT NULL,
  kinds INTEGER NOT NULL,
  -- JSON {"snr": stats, "rssi": stats} for radio links, else NULL.
  rf TEXT,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX edges_last_seen ON edges(last_seen);

-- Per id statistics of the mesh model: kind 1 node (health, advert cadence,
-- direct RF), 2 path token (how a hash or radio was heard), 3 talker.
CREATE TABLE node_stats (
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Traffic/RF buckets of the mesh analytics: ring_ms 60000 (last day) or
-- 3600000 (last 30 days); data is one bucket as JSON.
CREATE TABLE mesh_buckets (
  ring_ms INTEGER NOT NULL,
  t INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (ring_ms, t)
) WITHOUT ROWID;

-- Each radio's own node identity, so a rebuild knows the gateway's key and
-- position whichever part starts first.
ALTER TABLE radios ADD COLUMN public_key TEXT;
ALTER TABLE radios ADD COLUMN node_name TEXT;
ALTER TABLE radios ADD COLUMN role INTEGER;
ALTER TABLE radios ADD COLUMN lat REAL;
ALTER TABLE radios ADD COLUMN lon REAL;

-- The mesh state was once saved as one JSON value; the tables replace it.
DELETE FROM meta WHERE key = 'mesh.state';
