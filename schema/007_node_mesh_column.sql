-- Version 7: the mesh model's row for a node (node_stats kind 1) lives in
-- that node's `nodes` row when there is one, in a column of its own, so the
-- 64-character key is not stored (and held in memory) a second time: the
-- hot DB with 16,394 nodes went from 5.8 to 4.5 MiB (bench/soak.ts --nodes
-- 20000 --restart-after 6). A node the store has no row for keeps its row
-- in node_stats. Only the store's mesh operation writes this column
-- (daemon/store/mesh-rows.ts); ingest's upsert of a node leaves it alone,
-- and an eviction of the node moves it back to node_stats first.
ALTER TABLE nodes ADD COLUMN mesh TEXT;
UPDATE nodes SET mesh = (SELECT data FROM node_stats WHERE kind = 1 AND id = nodes.public_key);
-- Row by row through the keys (no list of keys built in memory first).
DELETE FROM node_stats WHERE kind = 1
  AND EXISTS (SELECT 1 FROM nodes WHERE public_key = node_stats.id AND mesh IS NOT NULL);
