-- Version 5: no index on nodes(last_seen). It was as large as half the nodes
-- table itself (the 64-character key again in every entry: 1.4 of 3.7 MiB
-- of the hot DB at 16,000 nodes), in memory for every node the gateway has
-- heard, to order a list that is read whole anyway: listNodes sorts in
-- JavaScript, and the rare eviction past store.maxNodes takes SQLite's
-- bounded ORDER BY ... LIMIT sort.
DROP INDEX IF EXISTS nodes_last_seen;
