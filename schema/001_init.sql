-- meshgate store schema, version 1. Forward-only: later changes go in new
-- numbered files, never edits here. Times are gateway ms epoch.

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE radios (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);

-- One row per packet hash; the raw bytes of the first hearing are kept once.
CREATE TABLE transmissions (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  raw BLOB NOT NULL,
  first_at INTEGER NOT NULL,
  last_obs_id INTEGER NOT NULL,
  payload_type INTEGER NOT NULL,
  route INTEGER NOT NULL,
  version INTEGER NOT NULL,
  hash_size INTEGER NOT NULL,
  summary TEXT NOT NULL,
  error TEXT,
  decoded TEXT,
  advert_key TEXT,
  channel TEXT
);
CREATE INDEX transmissions_last_obs ON transmissions(last_obs_id);
CREATE INDEX transmissions_advert_key ON transmissions(advert_key) WHERE advert_key IS NOT NULL;

-- One row per hearing. payload_type/route are copied from the transmission so
-- the newest-first list can filter through an index without a join.
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  tx_id INTEGER NOT NULL,
  radio_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  snr REAL,
  rssi INTEGER,
  path TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  payload_type INTEGER NOT NULL,
  route INTEGER NOT NULL
);
CREATE INDEX observations_tx ON observations(tx_id, id);
CREATE INDEX observations_radio ON observations(radio_id, id);
CREATE INDEX observations_type ON observations(payload_type, id);
CREATE INDEX observations_at ON observations(at);

CREATE TABLE nodes (
  public_key TEXT PRIMARY KEY,
  name TEXT,
  role INTEGER NOT NULL,
  lat REAL,
  lon REAL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  last_advert INTEGER NOT NULL,
  advert_timestamp INTEGER NOT NULL,
  advert_count INTEGER NOT NULL,
  extras TEXT
) WITHOUT ROWID;
CREATE INDEX nodes_last_seen ON nodes(last_seen);

CREATE TABLE channels (
  name TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  messages INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE channel_messages (
  id INTEGER PRIMARY KEY,
  tx_id INTEGER NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  channel TEXT NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  sender_ts INTEGER NOT NULL
);
CREATE INDEX channel_messages_channel ON channel_messages(channel, id);
CREATE INDEX channel_messages_at ON channel_messages(at);

-- Who hears whom; written by the mesh model through the store.
CREATE TABLE edges (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  snr_avg REAL,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  broker TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX outbox_broker ON outbox(broker, id);

-- Hourly aggregates outlive the raw rows (retention keeps them far longer).
CREATE TABLE rollup_traffic (
  hour INTEGER NOT NULL,
  radio_id INTEGER NOT NULL,
  payload_type INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (hour, radio_id, payload_type)
) WITHOUT ROWID;

CREATE TABLE rollup_rf (
  hour INTEGER NOT NULL,
  radio_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  snr_n INTEGER NOT NULL,
  snr_sum REAL NOT NULL,
  snr_min REAL,
  snr_max REAL,
  rssi_n INTEGER NOT NULL,
  rssi_sum REAL NOT NULL,
  rssi_min INTEGER,
  rssi_max INTEGER,
  PRIMARY KEY (hour, radio_id)
) WITHOUT ROWID;

-- Resumable background tasks (data backfills); watermark = last id done.
CREATE TABLE tasks (
  name TEXT PRIMARY KEY,
  watermark INTEGER NOT NULL,
  done INTEGER NOT NULL,
  total INTEGER
) WITHOUT ROWID;
