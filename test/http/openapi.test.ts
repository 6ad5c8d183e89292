/**
 * The OpenAPI document is hand-written; this holds it to the router both
 * ways and validates real responses against its schemas.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolDecoder } from "../../daemon/http/adapters.ts";
import { openApiDocument } from "../../daemon/http/openapi.ts";
import { buildAckPayload, encodePacket } from "../../daemon/protocol/index.ts";
import { makeMessages, makeNodes, makeRows } from "../support/http/fixtures.ts";
import { getRoutes } from "../support/http/gets.ts";
import {
  FakeActions,
  mqtt,
  RADIO_KEY,
  radioStatus,
  radios,
  realMesh,
} from "../support/http/providers.ts";
import { postJson, startServer, type TestServer } from "../support/http/server.ts";

type Obj = Record<string, unknown>;
const doc = openApiDocument("9.9.9-test") as { paths: Record<string, Record<string, Obj>> };
const TOKEN = "0123456789abcdef-test-token";

describe("OpenAPI document", () => {
  let t: TestServer;
  const nodes = makeNodes(20);
  beforeAll(async () => {
    t = await startServer("node", {
      config: { token: TOKEN },
      providers: {
        mesh: (await realMesh(nodes)).mesh,
        radios: radios({ ...radioStatus("r1"), publicKey: RADIO_KEY }),
        mqtt: mqtt(true),
        decode: protocolDecoder({ channels: [] }),
        actions: new FakeActions(),
        config: { get: () => ({ http: { port: 8080 } }) },
      },
    });
    for (const r of makeRows(50, 3, nodes)) t.store.addRow(r);
    t.store.messages = makeMessages(10);
  });
  afterAll(() => t.close());

  it("documents every registered route, and serves every documented one", () => {
    const registered = t.server
      .routes()
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(registered);
  });

  it("lists the same query and path parameters the routes accept", () => {
    for (const r of t.server.routes()) {
      const op = doc.paths[r.path]![r.method.toLowerCase()] as {
        parameters?: { name: string; in: string }[];
      };
      const params = op.parameters ?? [];
      const q = params.filter((p) => p.in === "query").map((p) => p.name);
      expect(q.sort(), `${r.method} ${r.path}`).toEqual([...r.query].sort());
      const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
      const inTemplate = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(pathParams, r.path).toEqual(inTemplate);
    }
  });

  it("marks exactly the action routes as needing the bearer token", () => {
    for (const r of t.server.routes()) {
      const op = doc.paths[r.path]![r.method.toLowerCase()] as { security?: unknown };
      const admin =
        r.path.startsWith("/api/actions/") ||
        r.path.startsWith("/api/system/") ||
        ["/api/radios/test", "/api/mqtt/test", "/api/config/status", "/api/config/file"].includes(
          r.path,
        ) ||
        (r.method === "PATCH" && r.path === "/api/config");
      expect(op.security !== undefined, `${r.method} ${r.path}`).toBe(admin);
    }
  });

  it("is served at /api/openapi.json", async () => {
    const served = await (await fetch(`${t.base}/api/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  describe("real responses match the schemas", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: "api" });
    const check = (path: string, method: string, status: string, body: unknown) => {
      const ptr = `api#/paths/${path.replace(/\//g, "~1")}/${method}/responses/${status}`;
      const resp = doc.paths[path]![method]!.responses as Record<string, Obj>;
      const r = resp[status]!;
      const schemaRef =
        "$ref" in r
          ? `api#/components/responses/${String(r.$ref).split("/").pop()}/content/application~1json/schema`
          : `${ptr}/content/application~1json/schema`;
      const validate = ajv.getSchema(schemaRef)!;
      expect(validate, schemaRef).toBeDefined();
      const ok = validate(body);
      expect(ok, `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    const ack = Buffer.from(
      encodePacket({
        route: 1,
        payloadType: 3,
        hashSize: 1,
        hops: [],
        payload: buildAckPayload(0x12345678),
      }),
    ).toString("hex");

    it("rejects a body that breaks the schema (the check can fail)", () => {
      expect(() => check("/api/health", "get", "200", { status: "fine" })).toThrow();
      expect(() =>
        check("/api/packets", "get", "200", { items: [{ id: 1 }], nextCursor: null }),
      ).toThrow();
    });

    it("GET endpoints", async () => {
      const gets = getRoutes(t.store.rows[0]!.hash, nodes[0]!.publicKey);
      for (const [path, url] of gets) {
        const res = await fetch(`${t.base}${url}`);
        expect(res.status, url).toBe(200);
        check(path, "get", "200", await res.json());
      }
    });

    it("POST endpoints and error answers", async () => {
      const post = (url: string, body: unknown, auth = true) =>
        postJson(t.base, url, body, auth ? { authorization: `Bearer ${TOKEN}` } : {});
      const dec = await post("/api/decode", { hex: ack }, false);
      expect(dec.status).toBe(200);
      check("/api/decode", "post", "200", await dec.json());
      const act = await post("/api/actions/advert", { flood: true });
      expect(act.status).toBe(200);
      check("/api/actions/advert", "post", "200", await act.json());
      const bad = await fetch(`${t.base}/api/packets?limit=0`);
      check("/api/packets", "get", "400", await bad.json());
      const missing = await fetch(`${t.base}/api/packets/00000000000000ff`);
      expect(missing.status).toBe(404);
      check("/api/packets/{hash}", "get", "404", await missing.json());
      const unauth = await post("/api/actions/advert", { flood: true }, false);
      expect(unauth.status).toBe(401);
      check("/api/actions/advert", "post", "401", await unauth.json());
    });
  });
});
