-- Version 6: no index on edges(last_seen). No query ever used it: the mesh
-- model reads its edges by primary key, a page at a time, and deletes them
-- by key. It repeated both endpoints (a full key is 64 characters) for every
-- edge, and the whole hot DB is in memory: with 20,000 nodes and 100,000
-- edges it was 4.0 MiB, and the DB after a full save 30.3 MiB against 26.4
-- without it (bench/mesh-tables.ts).
DROP INDEX IF EXISTS edges_last_seen;
