/**
 * Apache Kafka for the test harness: a single-node KRaft broker run from the
 * Maven Central jars (no Docker). `install()` copies the jars listed in
 * test/services/kafka/pom.xml into .cache/emulators/kafka/lib; `startLocal()`
 * formats a fresh log dir and starts `kafka.Kafka` on two free loopback ports.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Admin } from "@platformatic/kafka";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The Kafka version the pom pins; the broker, StorageTool and perf tools all come from it. */
export const KAFKA_VERSION = "4.4.0";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const recipeDir = join(here, "kafka");
/** Where `install()` puts the broker's jars. */
export const KAFKA_LIB_DIR = join(root, ".cache", "emulators", "kafka", "lib");
const marker = join(KAFKA_LIB_DIR, `.complete-${KAFKA_VERSION}`);

/** The JVM's class path for the broker and Kafka's own tools (ProducerPerformance, ...). */
export const KAFKA_CLASSPATH = join(KAFKA_LIB_DIR, "*");

/** Small heap: the machines have two cores and the broker shares them with the tests. */
const JVM_OPTS = ["-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"];
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

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address !== null) resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

function java(args: string[], dir: string): ChildProcess {
  // `sh` waits on stdin, which is the harness's pipe: when the harness closes it or
  // dies for any reason, the broker gets SIGTERM and `sh` exits once it is gone.
  const script = '"$@" & child=$!; read -r _ || true; kill "$child" 2>/dev/null; wait "$child"';
  return spawn("sh", ["-c", script, "kafka", "java", ...JVM_OPTS, ...args], {
    cwd: dir,
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
}

function logTail(dir: string): string {
  const file = join(dir, "server.log");
  if (!existsSync(file)) return "(no server.log)";
  return readFileSync(file, "utf8").trim().split("\n").slice(-10).join("\n");
}

async function waitForMetadata(brokers: string, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`kafka exited with ${child.exitCode} at startup:\n${logTail(dir)}`);
    const admin = new Admin({
      clientId: "switchyard-harness",
      bootstrapBrokers: [brokers],
      connectTimeout: 1000,
      timeout: 2000,
      retries: 0,
    });
    try {
      const metadata = await admin.metadata({ topics: [] });
      if (metadata.brokers.size > 0) return;
    } catch {
      // not listening yet
    } finally {
      await admin.close().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`kafka did not answer metadata within ${READY_TIMEOUT_MS} ms:\n${logTail(dir)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function startLocal(): Promise<RunningService> {
  if (!existsSync(marker)) throw new Error("kafka is not installed: run the harness install first");
  const dir = mkdtempSync(join(tmpdir(), "switchyard-kafka-"));
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const properties = readFileSync(join(recipeDir, "server.properties.template"), "utf8")
    .replaceAll("{{BROKER_PORT}}", String(brokerPort))
    .replaceAll("{{CONTROLLER_PORT}}", String(controllerPort))
    .replaceAll("{{DATA_DIR}}", join(dir, "data"));
  const config = join(dir, "server.properties");
  writeFileSync(config, properties);
  const logProps = [
    `-Dlog4j2.configurationFile=${join(recipeDir, "log4j2.properties")}`,
    `-Dkafka.logs.dir=${dir}`,
  ];

  // A cluster id is 16 random bytes in URL-safe base64, as `StorageTool random-uuid`
  // prints; one starting with "-" would be read as an option.
  let clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
  const format = spawnSync(
    "java",
    [...JVM_OPTS, ...logProps, "-cp", KAFKA_CLASSPATH, "kafka.tools.StorageTool", "format"].concat([
      "--standalone",
      "-t",
      clusterId,
      "-c",
      config,
    ]),
    { cwd: dir, encoding: "utf8", timeout: 60_000 },
  );
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka StorageTool format failed: ${format.stderr || format.stdout}`);
  }

  const child = java([...logProps, "-cp", KAFKA_CLASSPATH, "kafka.Kafka", config], dir);
  const onExit = () => killGroup(child, "SIGKILL");
  process.once("exit", onExit);
  const brokers = `127.0.0.1:${brokerPort}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      // End of input makes the wrapper stop the broker and wait for it to exit.
      child.stdin?.end();
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForMetadata(brokers, child, dir);
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { SWITCHYARD_KAFKA_BROKERS: brokers }, stop };
}

/** Whether the jars are already in place (for skip messages). */
export function kafkaInstalled(): boolean {
  return existsSync(marker) && readdirSync(KAFKA_LIB_DIR).some((f) => f.startsWith("kafka_2.13-"));
}

/** The Kafka service: a KRaft single node on 127.0.0.1 started from Maven Central jars. */
export const kafka: ServiceDefinition = { name: "kafka", install, startLocal };
