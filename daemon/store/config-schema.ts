/** The `store` settings' schema fragment (composed by daemon/config/schema.ts). */

export const STORE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    dataDir: {
      type: "string",
      minLength: 1,
      default: "./data",
    },
    fsyncIntervalMs: {
      type: "integer",
      minimum: 50,
      maximum: 60000,
      default: 1000,
    },
    snapshotJournalRatio: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 10,
      default: 1,
    },
    maxDbMB: {
      type: "number",
      minimum: 1,
      default: 64,
    },
    maxAgeDays: {
      type: "number",
      minimum: 0.01,
      default: 30,
    },
    snapshotMinJournalBytes: {
      type: "integer",
      minimum: 0,
      default: 262144,
      description: "No snapshot before the journal holds at least this many bytes.",
    },
    outboxMaxPerBroker: {
      type: "integer",
      minimum: 1,
      default: 10000,
      description:
        "MQTT outbox cap per broker; the oldest messages are dropped (and counted) past it.",
    },
    outboxMaxAgeDays: {
      type: "number",
      exclusiveMinimum: 0,
      default: 7,
      description: "MQTT outbox messages older than this are dropped (and counted).",
    },
    maxNodes: {
      type: "integer",
      minimum: 1,
      default: 20000,
      description: "Cap on stored nodes; the longest unheard are dropped past it.",
    },
    hotMB: {
      type: "number",
      minimum: 0.5,
      default: 2,
      description:
        "Size budget of the in-memory (hot) database; older observations move to archive partition files on flash past it. The store's memory follows this figure, not the history's length.",
    },
    hotMaxHours: {
      type: "number",
      exclusiveMinimum: 0,
      default: 24,
      description:
        "Observations older than this move to the archive even while the hot database is within its budget.",
    },
    partitionMB: {
      type: "number",
      minimum: 0.1,
      default: 4,
      description:
        "Archive partitions are one SQLite file per UTC day, split into further parts past this size. A history read holds one partition in memory.",
    },
    archiveMaxMB: {
      type: "number",
      minimum: 1,
      default: 1024,
      description:
        "Total size of the archive; the oldest partition files are deleted past it (and past maxAgeDays).",
    },
  },
  "x-restart": true,
} as const;
