/** Where the adapter for a well-known scheme comes from. */
interface KnownScheme {
  /** The npm package, or `undefined` for schemes built into core. */
  pkg: string | undefined;
  /** The factory call to add to `adapters`. */
  factory: string;
  /** For a scheme no released package handles yet: what to use meanwhile. */
  meanwhile?: string;
}

const aws: KnownScheme = { pkg: "@switchyard/adapter-aws", factory: "aws()" };
const azure: KnownScheme = { pkg: "@switchyard/adapter-azure", factory: "azure()" };
const gcp: KnownScheme = { pkg: "@switchyard/adapter-gcp", factory: "gcp()" };
const redis: KnownScheme = { pkg: "@switchyard/adapter-redis", factory: "redis()" };
const builtIn: KnownScheme = { pkg: undefined, factory: "" };

/** Schemes of the project's own adapters, so a missing one is named with its install step. */
const KNOWN_SCHEMES: Readonly<Record<string, KnownScheme>> = {
  kafka: { pkg: "@switchyard/adapter-kafka", factory: "kafka()" },
  redis,
  rediss: redis,
  "redis-stream": redis,
  "rediss-stream": redis,
  kinesis: aws,
  dynamodb: aws,
  timestream: aws,
  sagemaker: aws,
  eventhubs: azure,
  cosmos: azure,
  azureml: azure,
  pubsub: gcp,
  bigtable: gcp,
  vertex: gcp,
  influx: {
    pkg: undefined,
    factory: "",
    meanwhile: "file: appends points as NDJSON; timestream:, cosmos: and bigtable: are released",
  },
  memory: builtIn,
  onnx: builtIn,
  file: builtIn,
  kserve: builtIn,
  tfserving: builtIn,
  "kserve+grpc": builtIn,
  mlflow: builtIn,
};

/** The project's package that serves `scheme`, if it is one of the project's adapters' schemes. */
export function knownPackage(scheme: string): string | undefined {
  return KNOWN_SCHEMES[scheme]?.pkg;
}

/** Every scheme of the project's own packages, released or not, for "did you mean". */
export function firstPartySchemes(): string[] {
  return Object.keys(KNOWN_SCHEMES);
}

/**
 * The fix for a scheme no registered adapter handles, when the scheme belongs to
 * one of the project's adapters; `undefined` for schemes nobody knows.
 */
export function missingAdapterMessage(scheme: string): string | undefined {
  const known = Object.hasOwn(KNOWN_SCHEMES, scheme) ? KNOWN_SCHEMES[scheme] : undefined;
  if (known === undefined) return undefined;
  if (known.meanwhile !== undefined) {
    return `"${scheme}:" is a first-party scheme that is not available yet (no released package handles it) — meanwhile ${known.meanwhile}`;
  }
  if (known.pkg === undefined) {
    return `no adapter for "${scheme}:" — it is built into @switchyard/core, but this installation does not register it; update @switchyard/core`;
  }
  return `no adapter for "${scheme}:" — npm install ${known.pkg} and add ${known.factory} to adapters`;
}
