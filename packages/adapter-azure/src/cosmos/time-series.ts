import { createHash } from "node:crypto";
import type { Container, CosmosClient, JSONObject } from "@azure/cosmos";
import type { ErrorCode, Point, TimeSeriesCapabilities, TimeSeriesDriver } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { azureErrorCode } from "../errors.js";
import { inBatch } from "../batch-signal.js";
import { expectStatus, writeItem } from "./calls.js";
import { openCosmosContainer } from "./container.js";
import type { CosmosOptions } from "./options.js";

const DAY_MS = 86_400_000;

/** How a Cosmos time-series sink is built besides its options. */
export interface CosmosTimeSeriesSetup {
  /** A CosmosClient to use instead of building one. */
  client?: CosmosClient;
}

/** The series a point belongs to: its measurement and sorted tags, as text. */
function seriesOf(point: Point): string {
  const tags = Object.keys(point.tags)
    .sort()
    .map((k) => `${k}=${point.tags[k]}`);
  return [point.measurement, ...tags].join(",");
}

/**
 * The item a point is stored as. Its partition key is the series and UTC day,
 * so one series' day stays in one logical partition and a busy series spreads
 * over days; its id is a hash of series and time, so a retried write
 * overwrites rather than duplicates (one point per series and instant, as in
 * InfluxDB).
 */
export function pointItem(
  point: Point,
  partitionField: string,
  retentionDays: number,
): JSONObject & { id: string } {
  const series = seriesOf(point);
  const id = createHash("sha1").update(`${series}@${point.time}`).digest("base64url");
  const day = new Date(Math.floor(point.time / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const item: JSONObject & { id: string } = {
    id,
    measurement: point.measurement,
    tags: point.tags,
    fields: point.fields,
    time: point.time,
  };
  item[partitionField] = `${series}|${day}`;
  if (retentionDays > 0) item.ttl = retentionDays * 86_400;
  return item;
}

/**
 * A Cosmos DB container as a Switchyard time-series sink: one item per point,
 * partitioned by series and day, `ttl` for retention (`?retentionDays=`),
 * written as concurrent upserts; `query` reads a measurement's time range back.
 */
export class CosmosTimeSeries implements TimeSeriesDriver {
  readonly capabilities: TimeSeriesCapabilities;
  private readonly field: string;
  private closed = false;

  /** Opens the sink: checks (or creates, with `create`) its container. */
  static async open(options: CosmosOptions, setup: CosmosTimeSeriesSetup = {}): Promise<CosmosTimeSeries> {
    const { client, ownsClient, container } = await openCosmosContainer(options, setup.client);
    return new CosmosTimeSeries(options, client, ownsClient, container);
  }

  private constructor(
    private readonly options: CosmosOptions,
    private readonly client: CosmosClient,
    private readonly ownsClient: boolean,
    private readonly container: Container,
  ) {
    this.field = options.partitionKey.slice(1);
    this.capabilities = { maxBatch: options.maxBatch };
  }

  async write(points: Point[], signal: AbortSignal): Promise<void> {
    if (this.closed)
      throw new SwitchyardError(
        "FailedPrecondition",
        `cosmos time series "${this.options.container}": sink is closed`,
      );
    const outcomes = await inBatch(signal, points.length, (batch) =>
      Promise.all(
        points.map((p) => {
          const item = pointItem(p, this.field, this.options.retentionDays);
          return writeItem(this.container, item, undefined, batch);
        }),
      ),
    );
    for (const o of outcomes) expectStatus(o, [200, 201], "point write");
  }

  async query(measurement: string, from: number, to: number, signal: AbortSignal): Promise<Point[]> {
    const { resources } = await this.container.items
      .query<JSONObject>(
        {
          query: "SELECT * FROM c WHERE c.measurement = @m AND c.time >= @from AND c.time < @to",
          parameters: [
            { name: "@m", value: measurement },
            { name: "@from", value: from },
            { name: "@to", value: to },
          ],
        },
        { abortSignal: signal },
      )
      .fetchAll();
    return resources
      .map((r) => ({
        measurement: typeof r.measurement === "string" ? r.measurement : measurement,
        tags: r.tags as Point["tags"],
        fields: r.fields as Point["fields"],
        time: Number(r.time),
      }))
      .sort((a, b) => a.time - b.time);
  }

  errorCode(err: unknown): ErrorCode {
    return azureErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.container.read({ abortSignal: signal });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.dispose();
  }
}
