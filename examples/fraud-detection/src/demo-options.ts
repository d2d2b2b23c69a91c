import { parseArgs } from "node:util";
import { SwitchyardError } from "@switchyard/core";

/** What `npm run demo` was asked to do. */
export interface DemoOptions {
  /** Profile of switchyard.config.ts. Default: `SWITCHYARD_PROFILE`, else `local`. */
  profile: string;
  /** Events to produce (transactions and corrupt records). Default 300,000. */
  events: number;
  /** Generator seed; 1 and 2 trained and tested the model. Default 3. */
  seed: number;
  /** Events per second to produce at; 0 produces as fast as the stream takes them. Default 10,000. */
  rate: number;
  /** Print the summary as one JSON line instead of a table. */
  json: boolean;
  /** Label of the run's name (`fraud-demo-<label>`); default a fresh one per run. */
  run?: string;
  /** Remove what earlier runs left on the profile's servers instead of running. */
  clean?: boolean;
}

/** Usage text of the demo. */
export const DEMO_USAGE = `usage: npm run demo -- [--profile local] [--events 300000] [--seed 3] [--rate 10000] [--json] [--run L]
       npm run demo -- --clean [--profile local]
  --profile P   profile of switchyard.config.ts (default $SWITCHYARD_PROFILE, else local)
  --events N    events to produce, about 0.1% of them corrupt (default 300000)
  --seed S      generator seed (default 3; seeds 1 and 2 trained and tested the model)
  --rate R      events per second to produce; 0 = as fast as possible (default 10000)
  --json        print the summary as one JSON line
  --run L       name the run fraud-demo-L (default: a fresh name per run, so runs never share data)
  --clean       remove every topic, stream, state key and file earlier runs left on the profile`;

/** Parses the demo's arguments; InvalidArgument with the usage on anything it does not understand. */
export function parseDemoOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        profile: { type: "string", short: "p" },
        events: { type: "string" },
        seed: { type: "string" },
        rate: { type: "string" },
        json: { type: "boolean" },
        run: { type: "string" },
        clean: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (err) {
    throw new SwitchyardError("InvalidArgument", `${(err as Error).message}\n${DEMO_USAGE}`);
  }
  return {
    profile: values.profile ?? (env.SWITCHYARD_PROFILE || "local"),
    events: whole("events", values.events, 300_000, 1),
    seed: whole("seed", values.seed, 3, 0),
    rate: whole("rate", values.rate, 10_000, 0),
    json: values.json ?? false,
    ...(values.run === undefined ? {} : { run: values.run }),
    ...(values.clean === true ? { clean: true } : {}),
  };
}

function whole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SwitchyardError(
      "InvalidArgument",
      `--${name} takes a whole number ≥ ${min}, got "${raw}"\n${DEMO_USAGE}`,
    );
  }
  return value;
}
