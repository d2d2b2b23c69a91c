import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { avro } from "./avro.js";
import { HttpSchemaRegistry } from "./http-schema-registry.js";

/**
 * A test double of a Confluent schema registry: the two endpoints the client
 * uses, with Confluent's status codes, error bodies and basic auth.
 */
class RegistryDouble {
  readonly requests: { method: string; url: string; contentType: string | undefined }[] = [];
  readonly schemas: string[] = [];
  /** Delay before answering, to provoke timeouts. */
  delayMs = 0;
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        setTimeout(() => this.#answer(req, Buffer.concat(chunks).toString(), res), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  #answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    this.requests.push({ method: req.method!, url: req.url!, contentType: req.headers["content-type"] });
    const send = (status: number, payload: object): void => {
      res.writeHead(status, { "content-type": "application/vnd.schemaregistry.v1+json" });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Basic ${Buffer.from("key:s3cret").toString("base64")}`) {
      return send(401, { error_code: 401, message: "Unauthorized" });
    }
    const register = /^\/prefix\/subjects\/([^/]+)\/versions$/.exec(req.url!);
    if (req.method === "POST" && register !== null) {
      const schema = (JSON.parse(body) as { schema: string }).schema;
      let index = this.schemas.indexOf(schema);
      if (index === -1) index = this.schemas.push(schema) - 1;
      return send(200, { id: index + 100 });
    }
    const byId = /^\/prefix\/schemas\/ids\/(\d+)$/.exec(req.url!);
    if (req.method === "GET" && byId !== null) {
      const schema = this.schemas[Number(byId[1]) - 100];
      if (schema === undefined) return send(404, { error_code: 40403, message: "Schema not found" });
      return send(200, { schema });
    }
    send(404, { error_code: 404, message: "HTTP 404 Not Found" });
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const double = new RegistryDouble();
let base = "";
let withCredentials = "";

beforeAll(async () => {
  base = await double.start();
  withCredentials = base.replace("http://", "http://key:s3cret@") + "/prefix/";
});
afterAll(() => double.stop());
beforeEach(() => {
  double.requests.length = 0;
  double.delayMs = 0;
});

const Point = {
  type: "record",
  name: "Point",
  fields: [
    { name: "x", type: "int" },
    { name: "y", type: "int" },
  ],
};

describe("HttpSchemaRegistry", () => {
  it("registers and fetches schemas over the Confluent REST API, with credentials from the URL", async () => {
    const registry = new HttpSchemaRegistry(withCredentials);
    const id = await registry.register("points-value", JSON.stringify(Point));
    expect(await registry.register("points-value", JSON.stringify(Point))).toBe(id);
    expect(JSON.parse(await registry.getById(id))).toEqual(Point);
    expect(double.requests[0]).toEqual({
      method: "POST",
      url: "/prefix/subjects/points-value/versions",
      contentType: "application/vnd.schemaregistry.v1+json",
    });
    expect(double.requests[2]).toMatchObject({ method: "GET", url: `/prefix/schemas/ids/${id}` });
    expect(registry.url).toBe(`${base}/prefix`);
  });

  it("takes credentials as an option too", async () => {
    const registry = new HttpSchemaRegistry(`${base}/prefix`, {
      auth: { username: "key", password: "s3cret" },
    });
    await expect(registry.register("points-value", JSON.stringify(Point))).resolves.toBeGreaterThanOrEqual(
      100,
    );
  });

  it("turns registry errors into portable codes with the registry's message", async () => {
    const registry = new HttpSchemaRegistry(withCredentials);
    await expect(registry.getById(99)).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringContaining("returned 404: Schema not found (error 40403)"),
    });
  });

  it("never prints the credentials of the URL", async () => {
    const wrong = new HttpSchemaRegistry(base.replace("http://", "http://key:wrong-pass@") + "/prefix");
    const failure = await wrong.getById(100).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: "Unauthenticated" });
    expect((failure as Error).message).not.toContain("wrong-pass");
    expect((failure as Error).message).toContain(`${base}/prefix`);

    const closed = new HttpSchemaRegistry(`http://key:wrong-pass@127.0.0.1:${await closedPort()}/`);
    const refused = await closed.getById(1).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: "Unavailable", message: expect.stringContaining("ECONNREFUSED") });
    expect((refused as Error).message).not.toContain("wrong-pass");

    expect(() => new HttpSchemaRegistry("http://key:wrong-pass@[bad")).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.not.stringContaining("wrong-pass"),
      }),
    );
  });

  it("gives up on a registry that does not answer in time", async () => {
    double.delayMs = 500;
    const registry = new HttpSchemaRegistry(withCredentials, { timeoutMs: 50 });
    await expect(registry.getById(100)).rejects.toMatchObject({ code: "DeadlineExceeded" });
  });

  it("serves an avro codec end to end: one lookup per schema id on the consumer", async () => {
    const producer = avro<{ x: number; y: number }>(Point, {
      registry: new HttpSchemaRegistry(withCredentials),
      subject: "points-value",
    });
    await producer.prepare!([]);
    const consumer = avro<{ x: number; y: number }>(Point, {
      registry: new HttpSchemaRegistry(withCredentials),
    });
    const batch = [producer.encode({ x: 1, y: 2 }), producer.encode({ x: 3, y: 4 })];
    double.requests.length = 0;
    await consumer.prepare!(batch);
    await consumer.prepare!(batch);
    expect(batch.map((b) => consumer.decode(b))).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ]);
    expect(double.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  });
});
