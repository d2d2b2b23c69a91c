/**
 * Apache Kafka for the test harness: a single-node KRaft broker run from the
 * Maven Central jars (no Docker). `install()` copies the jars listed in
 * test/services/kafka/pom.xml into .cache/emulators/kafka/lib; `startLocal()`
 * formats a fresh log dir and starts `kafka.Kafka` on free loopback ports.
 * `formatKafkaNode()` and `launchKafka()` are the two halves, for tests that
 * kill a broker and start it again on the same ports and data.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Admin } from "@platformatic/kafka";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The Kafka version the pom pins; the broker, StorageTool and perf tools all come from it. */
export const KAFKA_VERSION = "4.4.0";

const recipeDir = join(dirname(fileURLToPath(import.meta.url)), "kafka");
/** Where `install()` puts the broker's jars. */
export const KAFKA_LIB_DIR = join(EMULATOR_CACHE, "kafka", "lib");
const marker = join(KAFKA_LIB_DIR, `.complete-${KAFKA_VERSION}`);

/** The JVM's class path for the broker and Kafka's own tools (ProducerPerformance, ...). */
export const KAFKA_CLASSPATH = join(KAFKA_LIB_DIR, "*");

/** Small heap: the machines have two cores and the broker shares them with the tests. */
const JVM_OPTS = ["-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"];
/** The user the SASL listener knows, for PLAIN and both SCRAM mechanisms (a local test credential). */
export const KAFKA_SASL_USER = "switchyard";
/** That user's password. */
export const KAFKA_SASL_PASSWORD = "switchyard-secret";
const READY_TIMEOUT_MS = 60_000;

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(marker)) return undefined;
  for (const tool of ["java", "mvn"]) {
    if (spawnSync(tool, ["-version"], { stdio: "ignore" }).error !== undefined) {
      return {
        reason: `${tool} is not on PATH: install a JDK 17+ and Maven 3 (apt-get install default-jdk maven)`,
      };
    }
  }
  rmSync(KAFKA_LIB_DIR, { recursive: true, force: true });
  const result = spawnSync(
    "mvn",
    [
      "-q",
      "-B",
      "-f",
      join(recipeDir, "pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${KAFKA_LIB_DIR}`,
    ],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (result.status !== 0) {
    const detail = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-5).join(" | ");
    return {
      reason: `Maven could not fetch the Kafka ${KAFKA_VERSION} jars (${detail || result.error?.message})`,
    };
  }
  writeFileSync(marker, new Date().toISOString());
  return undefined;
}

/** Whether a broker at `brokers` answers a metadata request naming at least one broker. */
async function answersMetadata(brokers: string): Promise<boolean> {
  const admin = new Admin({
    clientId: "switchyard-harness",
    bootstrapBrokers: [brokers],
    connectTimeout: 1000,
    timeout: 2000,
    retries: 0,
  });
  try {
    return (await admin.metadata({ topics: [] })).brokers.size > 0;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function logTail(dir: string): string {
  const file = join(dir, "server.log");
  if (!existsSync(file)) return "(no server.log)";
  return readFileSync(file, "utf8").trim().split("\n").slice(-10).join("\n");
}

/**
 * A formatted single-node broker: its run directory (config, data, logs) and
 * ports. It can be launched, killed and launched again on the same ports and
 * data, as a restarted broker would be.
 */
export interface KafkaNode {
  /** The run directory; removed by whoever formatted the node. */
  dir: string;
  /** The PLAINTEXT listener. */
  brokerPort: number;
  /** The KRaft controller listener. */
  controllerPort: number;
  /** The SASL_PLAINTEXT listener. */
  saslPort: number;
  /** Its `server.properties`. */
  config: string;
}

/** The JVM arguments of the broker and StorageTool for a node whose logs go to `dir`. */
function jvmArgs(dir: string): string[] {
  return [
    ...JVM_OPTS,
    `-Dlog4j2.configurationFile=${join(recipeDir, "log4j2.properties")}`,
    `-Dkafka.logs.dir=${dir}`,
    "-cp",
    KAFKA_CLASSPATH,
  ];
}

/**
 * Makes a run directory with a `server.properties` on free loopback ports and
 * formats its storage (new cluster id, SCRAM users). `properties` are appended
 * to the recipe's, so they override it (e.g. `broker.session.timeout.ms`).
 * Throws when Kafka is not installed or the format fails (the directory is
 * then removed).
 */
export async function formatKafkaNode(properties: Record<string, string> = {}): Promise<KafkaNode> {
  if (!existsSync(marker)) throw new Error("kafka is not installed: run the harness install first");
  const dir = makeRunDir("kafka");
  const [brokerPort, controllerPort, saslPort] = [await freePort(), await freePort(), await freePort()];
  const recipe = readFileSync(join(recipeDir, "server.properties.template"), "utf8")
    .replaceAll("{{BROKER_PORT}}", String(brokerPort))
    .replaceAll("{{CONTROLLER_PORT}}", String(controllerPort))
    .replaceAll("{{SASL_PORT}}", String(saslPort))
    .replaceAll("{{SASL_USER}}", KAFKA_SASL_USER)
    .replaceAll("{{SASL_PASSWORD}}", KAFKA_SASL_PASSWORD)
    .replaceAll("{{DATA_DIR}}", join(dir, "data"));
  const config = join(dir, "server.properties");
  const overrides = Object.entries(properties).map(([key, value]) => `${key}=${value}\n`);
  writeFileSync(config, recipe + overrides.join(""));

  // A cluster id is 16 random bytes in URL-safe base64, as `StorageTool random-uuid`
  // prints; one starting with "-" would be read as an option.
  let clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
  const format = spawnSync(
    "java",
    [
      ...jvmArgs(dir),
      "kafka.tools.StorageTool",
      "format",
      "--standalone",
      "-t",
      clusterId,
      "-c",
      config,
    ].concat(
      ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => [
        "--add-scram",
        `${m}=[name=${KAFKA_SASL_USER},password=${KAFKA_SASL_PASSWORD}]`,
      ]),
    ),
    { cwd: dir, encoding: "utf8", timeout: 60_000 },
  );
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka StorageTool format failed: ${format.stderr || format.stdout}`);
  }
  return { dir, brokerPort, controllerPort, saslPort, config };
}

/**
 * Starts the broker of a formatted node and waits until it answers metadata.
 * Stopping the process leaves the node's data in place, so it can be launched
 * again. When it does not come up, its process is stopped and this throws.
 */
export async function launchKafka(node: KafkaNode): Promise<ServiceProcess> {
  const server = spawnService("java", [...jvmArgs(node.dir), "kafka.Kafka", node.config], {
    logFile: join(node.dir, "stdout.log"),
    cwd: node.dir,
  });
  try {
    await waitUntil(() => answersMetadata(`127.0.0.1:${node.brokerPort}`), {
      what: `kafka on port ${node.brokerPort}`,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 200,
      failFast: () =>
        server.running() ? undefined : `exited early:\n${logTail(node.dir)}\n${server.logTail()}`,
    });
  } catch (err) {
    await server.stop(10_000);
    throw err;
  }
  return server;
}

async function startLocal(): Promise<RunningService> {
  const node = await formatKafkaNode();
  let server: ServiceProcess;
  try {
    server = await launchKafka(node);
  } catch (err) {
    rmSync(node.dir, { recursive: true, force: true });
    throw err;
  }
  return {
    env: {
      SWITCHYARD_KAFKA_BROKERS: `127.0.0.1:${node.brokerPort}`,
      // A listener that wants SASL (PLAIN, SCRAM-SHA-256/512) as KAFKA_SASL_USER.
      SWITCHYARD_KAFKA_SASL_BROKERS: `127.0.0.1:${node.saslPort}`,
    },
    stop: async () => {
      await server.stop(10_000);
      rmSync(node.dir, { recursive: true, force: true });
    },
  };
}

/** The Kafka service: a KRaft single node on 127.0.0.1 started from Maven Central jars. */
export const kafka: ServiceDefinition = { name: "kafka", install, startLocal };
