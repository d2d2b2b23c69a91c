import type {
  ConsumerDriver,
  ConsumerOptions,
  IncomingRecord,
  OutgoingRecord,
  SendResult,
  StreamCapabilities,
  StreamDriver,
} from "@switchyard/core/driver";

/** One defect's changes to a stream driver; each field replaces the matching method (or capability). */
export interface StreamDefect {
  capabilities?: Partial<StreamCapabilities>;
  send?(inner: StreamDriver, records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]>;
  openConsumer?(inner: StreamDriver, options: ConsumerOptions): Promise<ConsumerDriver>;
  /** Changes a consumer the inner driver opened. */
  consumer?(inner: ConsumerDriver, options: ConsumerOptions): Partial<ConsumerDriver>;
  /** Optional consumer methods the broken driver lacks. */
  dropConsumer?: readonly ("lag" | "nack" | "onAssignment")[];
  errorCode?: (err: unknown) => ReturnType<StreamDriver["errorCode"]>;
  as?: StreamDriver["as"];
  /** Whether the broken driver lacks `probe()`. */
  dropProbe?: boolean;
  close?(inner: StreamDriver): Promise<void>;
}

/** A consumer that delegates to `inner` except where the defect says otherwise. */
function brokenConsumer(
  inner: ConsumerDriver,
  options: ConsumerOptions,
  defect: StreamDefect,
): ConsumerDriver {
  const consumer: ConsumerDriver = {
    receive: (max, signal) => inner.receive(max, signal),
    commit: (positions) => inner.commit(positions),
    close: () => inner.close(),
  };
  if (inner.nack !== undefined) consumer.nack = (positions) => inner.nack!(positions);
  if (inner.lag !== undefined) consumer.lag = () => inner.lag!();
  if (inner.onAssignment !== undefined) consumer.onAssignment = (listener) => inner.onAssignment!(listener);
  Object.assign(consumer, defect.consumer?.(inner, options));
  for (const method of defect.dropConsumer ?? []) delete consumer[method];
  return consumer;
}

/** `inner` with one defect. */
export function brokenStream(inner: StreamDriver, defect: StreamDefect): StreamDriver {
  const driver: StreamDriver = {
    capabilities: { ...inner.capabilities, ...defect.capabilities },
    send: (records, signal) => (defect.send ?? ((d, r, s) => d.send(r, s)))(inner, records, signal),
    openConsumer: async (options) => {
      const consumer = await (defect.openConsumer ?? ((d, o) => d.openConsumer(o)))(inner, options);
      return brokenConsumer(consumer, options, defect);
    },
    errorCode: defect.errorCode ?? ((err) => inner.errorCode(err)),
    as: defect.as ?? ((type) => inner.as(type)),
    close: () => (defect.close ?? ((d) => d.close()))(inner),
  };
  if (inner.probe !== undefined && defect.dropProbe !== true) driver.probe = (signal) => inner.probe!(signal);
  return driver;
}

/** Records with each one's headers replaced. */
export function mapHeaders(
  records: IncomingRecord[],
  change: (headers: Record<string, string>) => Record<string, string>,
): IncomingRecord[] {
  return records.map((r) => ({ ...r, headers: change({ ...r.headers }) }));
}
