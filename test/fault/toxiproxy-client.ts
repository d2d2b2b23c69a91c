/**
 * A client of Toxiproxy's HTTP API, enough for the network-fault tests: a
 * proxy per upstream server on a free loopback port, and toxics added and
 * removed while a pipeline runs through it.
 */

/** A toxic as Toxiproxy takes it: type, direction and attributes. */
export interface Toxic {
  /** `latency`, `bandwidth`, `reset_peer`, `timeout`, `slicer`, `limit_data`, … */
  type: string;
  /** `downstream` (server to client, the default) or `upstream`. */
  stream?: "downstream" | "upstream";
  /** The type's attributes, e.g. `{ latency: 1000 }` or `{ timeout: 0 }`. */
  attributes: Record<string, number>;
}

/** One proxy: where clients connect instead of the server. */
export class Proxy {
  /** Use {@link ToxiproxyClient.proxy}. */
  constructor(
    private readonly api: string,
    /** The proxy's name. */
    readonly name: string,
    /** Where it listens, `127.0.0.1:<port>`. */
    readonly listen: string,
  ) {}

  /** Adds toxics (named after their type and direction); resolves once Toxiproxy applied them. */
  async add(...toxics: Toxic[]): Promise<void> {
    for (const toxic of toxics) {
      const stream = toxic.stream ?? "downstream";
      await call(`${this.api}/proxies/${this.name}/toxics`, "POST", {
        name: `${toxic.type}-${stream}`,
        type: toxic.type,
        stream,
        toxicity: 1,
        attributes: toxic.attributes,
      });
    }
  }

  /** Removes every toxic of the proxy. */
  async clear(): Promise<void> {
    const toxics = (await call(`${this.api}/proxies/${this.name}/toxics`, "GET")) as { name: string }[];
    for (const toxic of toxics) await call(`${this.api}/proxies/${this.name}/toxics/${toxic.name}`, "DELETE");
  }

  /** Deletes the proxy, closing its connections. */
  async delete(): Promise<void> {
    await call(`${this.api}/proxies/${this.name}`, "DELETE");
  }
}

/** Toxiproxy's API at `url` (`http://127.0.0.1:<port>`). */
export class ToxiproxyClient {
  constructor(private readonly url: string) {}

  /** Creates a proxy to `upstream` (`host:port`) listening on a free loopback port. */
  async proxy(name: string, upstream: string, listen = "127.0.0.1:0"): Promise<Proxy> {
    const created = (await call(`${this.url}/proxies`, "POST", {
      name,
      listen,
      upstream,
      enabled: true,
    })) as {
      listen: string;
    };
    return new Proxy(this.url, name, created.listen);
  }
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`toxiproxy ${method} ${url}: ${response.status} ${text}`);
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}
