/**
 * The API contract (daemon/http/contract) against the OpenAPI document and
 * the real answers: each contract type's fields are exactly its schema's
 * properties (all required), and answers from a server over the real mesh
 * model carry no field the contract does not name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolDecoder } from "../../daemon/http/adapters.ts";
import { CONTRACT_FIELDS } from "../../daemon/http/contract/fields.ts";
import { openApiDocument } from "../../daemon/http/openapi.ts";
import { makeMessages, makeNodes, makeRows } from "../support/http/fixtures.ts";
import { getRoutes } from "../support/http/gets.ts";
import { RADIO_KEY, radioStatus, radios, realMesh } from "../support/http/providers.ts";
import { startServer, type TestServer } from "../support/http/server.ts";

type Obj = Record<string, unknown>;
const doc = openApiDocument("9.9.9-test") as {
  components: { schemas: Record<string, Obj> };
  paths: Record<string, Record<string, Obj>>;
};
const schemas = doc.components.schemas;

const deref = (s: Obj): Obj =>
  typeof s.$ref === "string" ? deref(schemas[s.$ref.split("/").pop()!]!) : s;

/** Properties and required names of a schema, through $ref and allOf. */
function flatten(s: Obj): { props: Record<string, Obj>; required: string[] } {
  const d = deref(s);
  const props: Record<string, Obj> = { ...((d.properties as Record<string, Obj>) ?? {}) };
  const required = [...((d.required as string[]) ?? [])];
  for (const part of (d.allOf as Obj[]) ?? []) {
    const f = flatten(part);
    Object.assign(props, f.props);
    required.push(...f.required);
  }
  return { props, required };
}

/** Paths of fields in `body` that the schema does not name (walks objects and arrays). */
function unnamed(schema: Obj, body: unknown, at = ""): string[] {
  const d = deref(schema);
  if (Array.isArray(body)) {
    const items = d.items as Obj | undefined;
    return items ? body.flatMap((x, i) => unnamed(items, x, `${at}[${i}]`)) : [];
  }
  if (body === null || typeof body !== "object") return [];
  const alts = (d.oneOf as Obj[] | undefined)?.filter((o) => deref(o).type !== "null");
  if (alts) {
    // The alternative the body fits best (a list answers items of one kind or another).
    const tries = alts.map((a) => unnamed(a, body, at));
    return tries.sort((x, y) => x.length - y.length)[0] ?? [];
  }
  const { props } = flatten(d);
  if (Object.keys(props).length === 0) return []; // a free-form object (decoded, sensors)
  return Object.entries(body as Obj).flatMap(([k, v]) =>
    props[k] ? unnamed(props[k], v, `${at}.${k}`) : [`${at}.${k}`],
  );
}

describe("API contract", () => {
  it("names exactly the OpenAPI schema's properties, all required, for each contract type", () => {
    for (const [name, fields] of Object.entries(CONTRACT_FIELDS)) {
      const s = schemas[name];
      expect(s, name).toBeDefined();
      const { props, required } = flatten(s!);
      expect(Object.keys(props).sort(), name).toEqual([...fields].sort());
      expect([...required].sort(), name).toEqual([...fields].sort());
    }
  });

  it("finds a field a schema does not name (the check can fail)", () => {
    expect(
      unnamed({ $ref: "#/components/schemas/ResolvedHop" }, { prefix: "aa", extra: 1 }),
    ).toEqual([".extra"]);
  });

  describe("real answers carry only contract fields", () => {
    const UI_READS = [
      "/api/health",
      "/api/packets",
      "/api/packets/{hash}",
      "/api/nodes",
      "/api/nodes/{publicKey}",
      "/api/channels",
      "/api/channels/messages",
    ];
    let t: TestServer;
    const nodes = makeNodes(12).map((n) => ({ ...n, role: 2 }));
    beforeAll(async () => {
      t = await startServer("node", {
        providers: {
          mesh: (await realMesh(nodes)).mesh,
          radios: radios({ ...radioStatus("r1"), publicKey: RADIO_KEY }),
          decode: protocolDecoder({ channels: [] }),
        },
      });
      for (const n of nodes) t.store.nodes.set(n.publicKey, n);
      for (const r of makeRows(60, 3, nodes)) t.store.addRow(r);
      t.store.messages = makeMessages(6);
    });
    afterAll(() => t.close());

    it("on every GET the UI reads", async () => {
      const urls = getRoutes(t.store.rows[0]!.hash, nodes[3]!.publicKey).filter(([route]) =>
        UI_READS.includes(route),
      );
      expect(new Set(urls.map(([route]) => route))).toEqual(new Set(UI_READS));
      for (const [path, url] of urls) {
        const res = await fetch(`${t.base}${url}`);
        expect(res.status, url).toBe(200);
        const body = await res.json();
        const op = doc.paths[path]!.get!.responses as Record<string, Obj>;
        const schema = (op["200"]!.content as Record<string, { schema: Obj }>)["application/json"]!
          .schema;
        expect(unnamed(schema, body), url).toEqual([]);
      }
    });
  });
});
