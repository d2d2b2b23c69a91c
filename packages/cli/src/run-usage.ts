import { PROFILE_OPTIONS_HELP } from "./profile.js";

/** The text of `switchyard run --help`. */
export const RUN_USAGE = `Usage: switchyard run <pipeline module> [options]

Runs a pipeline until SIGINT or SIGTERM, then drains in-flight batches, flushes
sinks and commits before exiting (a second signal abandons in-flight work, which
is redelivered on restart). The module's default export is the pipeline:

  // fraud.ts
  import { pipeline } from "@switchyard/core";
  export default pipeline("fraud-detection").from("transactions").to("alerts");

Every resource of the profile is opened and probed at startup, all at once; one
that does not answer within the startup timeout stops the run before it reads a
record. A stop ends within the drain timeout plus about 12 s, whatever the back
ends are doing: work not done by then is redelivered on restart.

Options:
${PROFILE_OPTIONS_HELP}
      --quiet                 no live stats line
      --json                  print the run's summary (or its error) as one JSON line on stdout
      --startup-timeout <ms>  how long opening and probing the resources may take (default 15000)
      --drain-timeout <ms>    how long a stop waits for in-flight work (default 30000)
      --max-dead-letter-ratio <share>
                              stop with exit 1 when more than this share (0–1) of the records of
                              the last 10 s went to the dead-letter stream (default: never; above
                              0.5 it warns)
      --metrics-port <[host:]port>
                              serve Prometheus metrics on http://host:port/metrics (host
                              default 127.0.0.1; 0.0.0.0 in a container)
      --otlp                  export traces and metrics over OTLP/HTTP; also on when
                              OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_/_METRICS_) is set, and
                              configured by the standard OTEL_EXPORTER_OTLP_* variables
      --log-level <level>     error, warn, info (default) or debug
      --log-format <format>   text (default) or json: one JSON object a line on stderr, stats
                              included every 5 s
  -h, --help                  show this help

SWITCHYARD_DEBUG=1 adds the stack trace to an error. Metrics are named switchyard_*;
docs/operations.md lists them and docs/grafana/ holds a dashboard.

Exit codes:
  0    stopped on SIGINT/SIGTERM after draining
  1    the run failed: a mistake in the config or pipeline, an error waiting cannot fix, or
       more dead letters than --max-dead-letter-ratio allows
  2    bad usage
  3    a resource of the profile did not open or answer at startup (unreachable, refused, missing)
  130  a second SIGINT/SIGTERM abandoned in-flight work

Examples:
  switchyard run ./src/fraud.ts
  switchyard run ./src/fraud.ts --profile kafka
  SWITCHYARD_PROFILE=aws switchyard run ./dist/fraud.js --config ./deploy/switchyard.config.yaml`;
