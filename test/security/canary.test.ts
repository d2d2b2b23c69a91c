/**
 * A canary secret in every credential of real `switchyard` runs must never
 * come out of them: not in a log line, an error, a stats line, a metric label
 * or a dead-letter header. The canary is a fresh random value, used as the
 * SASL password of a Kafka broker over TLS, the ACL password of a redis-server
 * over TLS and an AWS secret key; a second one is a wrong password. Failing
 * records throw errors quoting the canary in a URL and a `password=` pair,
 * a megabyte long: their dead-letter headers must be masked and bounded.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCli, waitForOutput } from "../../packages/cli/src/spawn-cli.js";
import type { CliProcess, CliResult } from "../../packages/cli/src/spawn-cli.js";
import { describeService } from "../harness/suite.js";
import { freePort } from "../harness/ports.js";
import { makeTestCertificates, opensslMissing } from "./certificates.js";
import { startTlsKafka } from "./kafka-tls.js";
import type { TlsKafka } from "./kafka-tls.js";
import { startTlsRedis, tlsMissing } from "./redis-tls.js";
import type { TlsRedis } from "./redis-tls.js";

const DIR = fileURLToPath(new URL("./canary/", import.meta.url));
const CANARY = `cnry${randomBytes(12).toString("hex")}`;
const WRONG = `wrng${randomBytes(12).toString("hex")}`;
const RECORDS = 200;
const FAILING = RECORDS / 10;

const missing = opensslMissing() ?? (await tlsMissing());
if (missing !== undefined) console.warn(`⚠ canary runs cannot run: ${missing}`);

/** Every place a secret is found in `text`, with some context, for the failure message. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const secret of [CANARY, WRONG]) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      found.push(text.slice(Math.max(0, at - 80), at + secret.length + 20));
    }
  }
  return found;
}

/** The value of the sample `name{…}` whose labels include `label`, from a Prometheus text. */
function sample(text: string, name: string): number | undefined {
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{`) && l.includes('switchyard_pipeline="canary"'));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

// Kafka's jars come from the harness; redis-server is the one the harness installs for the
// redis service (tlsMissing says when it is absent). The brokers and servers are the test's own.
// The shared redis service is not asked for as well: starting it beside the shared broker
// times out on a loaded machine while the broker's storage format holds the harness's event loop.
/**
 * The log lines that repeat a failing step's own error message (its retry and
 * dead-letter warnings), and all the rest: each is checked in a case of its own.
 */
function splitEchoes(text: string): [string, string] {
  const echo = /(canary: map#1: |canary: dead letter: map#1: )/;
  const lines = text.split("\n");
  return [lines.filter((l) => echo.test(l)).join("\n"), lines.filter((l) => !echo.test(l)).join("\n")];
}

describeService("kafka", "secrets in real runs on Kafka and Redis over TLS", () => {
  let dir: string;
  let kafka: TlsKafka;
  let redis: TlsRedis;
  let env: Record<string, string>;
  const captured: string[] = [];

  const run = (args: string[], extra: Record<string, string> = {}, stdin?: string): CliProcess =>
    startCli(args, DIR, { ...env, ...extra }, stdin);
  const finished = async (cli: CliProcess): Promise<CliResult> => {
    const result = await cli.exited;
    captured.push(result.stdout, result.stderr);
    return result;
  };

  beforeAll(async () => {
    if (missing !== undefined) return;
    dir = mkdtempSync(join(tmpdir(), "switchyard-canary-"));
    const certs = makeTestCertificates(dir);
    const acl = ["--user", "app", "on", `>${CANARY}`, "~*", "&*", "+@all"];
    [kafka, redis] = await Promise.all([
      startTlsKafka(certs, { app: CANARY }),
      startTlsRedis({ server: certs.server, ca: certs.ca, clientAuth: "no", args: acl }),
    ]);
    env = {
      CANARY,
      CANARY_WRONG: WRONG,
      CANARY_RUN: `canary-${randomBytes(4).toString("hex")}`,
      CANARY_KAFKA: kafka.saslTls,
      CANARY_REDIS: redis.tls,
      CANARY_CLOSED_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      CA: certs.ca,
    };
  }, 180_000);
  afterAll(async () => {
    await Promise.all([kafka?.stop(), redis?.stop()]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Needs openssl and a redis-server built with TLS; the reason is printed above when not.
  const canaryIt = it.skipIf(missing !== undefined);

  canaryIt(
    "a run with logs, stats, metrics and dead letters, and the dead-letter listing, never show the canary",
    async () => {
      const lines = Array.from({ length: RECORDS }, (_, id) => JSON.stringify({ id })).join("\n");
      const seed = await finished(run(["produce", "input", "--profile", "secure"], {}, lines));
      expect(seed.code, seed.stderr).toBe(0);
      const port = await freePort();
      const cli = run([
        "run",
        "./pipeline.ts",
        "--profile",
        "secure",
        "--log-format",
        "json",
        "--log-level",
        "debug",
        "--metrics-port",
        String(port),
      ]);
      let metrics = "";
      try {
        await waitForOutput(cli, ({ stderr }) =>
          stderr.includes(`metrics on http://127.0.0.1:${port}/metrics`),
        );
        const deadline = Date.now() + 90_000;
        while (Date.now() < deadline) {
          metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
          const done = sample(metrics, "switchyard_records_processed_total");
          const dead = sample(metrics, "switchyard_records_dead_lettered_total");
          // Past 5 s, the JSON log has had a stats line.
          if (done === RECORDS && dead === FAILING && cli.output().stderr.includes('"stats"')) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        cli.child.kill("SIGINT");
      }
      const result = await finished(cli);
      captured.push(metrics);
      expect(sample(metrics, "switchyard_records_dead_lettered_total"), result.stderr.slice(-2000)).toBe(
        FAILING,
      );
      expect(result.stderr).toContain('"stats"');
      expect(result.code, result.stderr.slice(-2000)).toBe(0);

      const listing = await finished(run(["dlq", "dead-letters", "--profile", "secure", "--json"]));
      expect(listing.code, listing.stderr).toBe(0);
      // `reason` holds the x-error-* headers without their prefix; `json` the original bytes.
      const letters = listing.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { reason: Record<string, string>; json: { id: number } });
      expect(letters).toHaveLength(FAILING);
      for (const { reason, json } of letters) {
        expect(json.id % 10).toBe(3);
        const message = reason.message ?? "";
        expect(Buffer.byteLength(message)).toBeLessThanOrEqual(4096);
        expect(message).toMatch(/^lookup failed on rediss:\/\/app:\*\*\*@[\d.:]+\/0 \(password=\*\*\*/);
        expect(message).toMatch(/x+… \[cut: \d+ bytes in all\]$/);
        const added = Object.entries(reason).reduce(
          (sum, [name, value]) => sum + "x-error-".length + name.length + Buffer.byteLength(value),
          0,
        );
        expect(added).toBeLessThan(6 * 1024);
      }
      const [echoes, rest] = splitEchoes(captured.join("\n"));
      expect(echoes.length).toBeGreaterThan(0);
      expect(leaks(rest)).toEqual([]);
    },
    240_000,
  );

  // Core's warnings about a failing step quote the step's error message with its secrets masked, as
  // its dead-letter header does (docs/decisions/2221-secrets-in-output.md). Reads what the run above printed.
  it("the warnings that repeat a failing step's error mask the secrets it quotes", () => {
    const [echoes] = splitEchoes(captured.join("\n"));
    expect(echoes).not.toBe("");
    expect(leaks(echoes)).toEqual([]);
  });

  canaryIt.each([
    ["a wrong Redis password", "wrong-redis-password", {}],
    ["a wrong Kafka SASL password", "wrong-kafka-password", {}],
    [
      "AWS keys for a DynamoDB store that cannot be reached",
      "cloud-keys",
      { AWS_ACCESS_KEY_ID: "AKIDCANARYRUN", AWS_SECRET_ACCESS_KEY: CANARY },
    ],
  ])(
    "a run refused at startup over %s says why without the secret",
    async (_, profile, extra) => {
      const result = await finished(
        run(
          [
            "run",
            "./pipeline.ts",
            "--profile",
            profile,
            "--startup-timeout",
            "10000",
            "--log-level",
            "debug",
          ],
          extra,
        ),
      );
      expect(result.code, result.stderr).toBe(3);
      expect(leaks(`${result.stdout}\n${result.stderr}`)).toEqual([]);
    },
    120_000,
  );
});
