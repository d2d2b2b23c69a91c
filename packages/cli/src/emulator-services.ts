import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from "node:fs";
import { connect } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of the recipe files shipped with the CLI (Kafka's pom and config, the compose file). */
export const RECIPES = fileURLToPath(new URL("../emulators/", import.meta.url));

/** A server `switchyard emulators` can start: its fixed default port and the variables a config reads. */
export interface EmulatorService {
  /** The name on the command line. */
  name: "kafka" | "redis";
  /** The port it listens on unless told otherwise. */
  defaultPort: number;
  /** The variables a config reads to reach it, e.g. `KAFKA_BROKERS=127.0.0.1:9092`. */
  env(port: number): Record<string, string>;
  /** Every port it binds when told to listen on `port` (Kafka's controller takes the next one). */
  ports(port: number): number[];
  /** Why it cannot start on this machine and what to install, or undefined when it can. */
  missing(cacheDir: string): string | undefined;
  /** Starts it in the background, detached from this process; resolves with the process id. */
  start(options: { port: number; dir: string; cacheDir: string }): number;
}

const KAFKA_VERSION = "4.4.0";

function onPath(tool: string, args: string[]): boolean {
  return spawnSync(tool, args, { stdio: "ignore" }).error === undefined;
}

/** Runs `command` detached in its own process group with output to `log`; returns its pid. */
function launch(command: string, args: string[], dir: string, log: string): number {
  const out = openSync(join(dir, log), "a");
  try {
    const child = spawn(command, args, { cwd: dir, detached: true, stdio: ["ignore", out, out] });
    child.unref();
    if (child.pid === undefined) throw new Error(`${command} did not start`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

const kafkaLib = (cacheDir: string) => join(cacheDir, `kafka-${KAFKA_VERSION}`);

/** Apache Kafka as a single KRaft node, from the Maven Central jars (fetched once into the cache). */
const kafka: EmulatorService = {
  name: "kafka",
  defaultPort: 9092,
  env: (port) => ({ KAFKA_BROKERS: `127.0.0.1:${port}` }),
  ports: (port) => [port, port + 1],
  missing(cacheDir) {
    if (!onPath("java", ["-version"]))
      return "java is not on PATH: install a JDK 17+ (apt-get install default-jdk, brew install openjdk)";
    if (existsSync(join(kafkaLib(cacheDir), ".complete"))) return undefined;
    if (!onPath("mvn", ["-version"]))
      return "mvn is not on PATH: the first start fetches Kafka's jars with Maven (apt-get install maven, brew install maven)";
    return undefined;
  },
  start({ port, dir, cacheDir }) {
    const lib = kafkaLib(cacheDir);
    if (!existsSync(join(lib, ".complete"))) {
      const fetched = spawnSync(
        "mvn",
        [
          "-q",
          "-B",
          "-f",
          join(RECIPES, "kafka-pom.xml"),
          "dependency:copy-dependencies",
          `-DoutputDirectory=${lib}`,
        ],
        { encoding: "utf8", timeout: 600_000 },
      );
      if (fetched.status !== 0)
        throw new Error(
          `Maven could not fetch the Kafka ${KAFKA_VERSION} jars: ${`${fetched.stdout}${fetched.stderr}`.trim().split("\n").slice(-3).join(" | ")}`,
        );
      writeFileSync(join(lib, ".complete"), new Date().toISOString());
    }
    const config = join(dir, "server.properties");
    writeFileSync(
      config,
      readFileSync(join(RECIPES, "kafka.properties"), "utf8")
        .replaceAll("{{BROKER_PORT}}", String(port))
        .replaceAll("{{CONTROLLER_PORT}}", String(port + 1))
        .replaceAll("{{DATA_DIR}}", join(dir, "data")),
    );
    const jvm = [
      "-Xms128m",
      "-Xmx512m",
      `-Dlog4j2.configurationFile=${join(RECIPES, "log4j2.properties")}`,
      `-Dkafka.logs.dir=${dir}`,
      "-cp",
      join(lib, "*"),
    ];
    // A cluster id is 16 random bytes in URL-safe base64; one starting with "-" would read as an option.
    let clusterId = randomBytes(16).toString("base64url");
    while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
    const format = spawnSync(
      "java",
      [...jvm, "kafka.tools.StorageTool", "format", "--standalone", "-t", clusterId, "-c", config],
      { cwd: dir, encoding: "utf8", timeout: 120_000 },
    );
    if (format.status !== 0)
      throw new Error(`formatting Kafka's storage failed: ${format.stderr || format.stdout}`);
    return launch("java", [...jvm, "kafka.Kafka", config], dir, "stdout.log");
  },
};

/** redis-server from the machine's PATH, in memory only. */
const redis: EmulatorService = {
  name: "redis",
  defaultPort: 6379,
  env: (port) => ({ REDIS_HOST: `127.0.0.1:${port}` }),
  ports: (port) => [port],
  missing: () =>
    onPath("redis-server", ["--version"])
      ? undefined
      : "redis-server is not on PATH: install Redis 7 (apt-get install redis-server, brew install redis)",
  start: ({ port, dir }) =>
    launch(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
      dir,
      "redis.log",
    ),
};

/** Every service, in the order `up` starts them. */
export const EMULATOR_SERVICES: readonly EmulatorService[] = [kafka, redis];

/** Where fetched server files are kept between projects: `$SWITCHYARD_CACHE_DIR`, else `$XDG_CACHE_HOME/switchyard`, else `~/.cache/switchyard`. */
export function cacheDirectory(env: Record<string, string | undefined>): string {
  const dir = env.SWITCHYARD_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "switchyard");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether process `pid` is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
