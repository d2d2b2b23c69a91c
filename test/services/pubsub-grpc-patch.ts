/**
 * A repair of gcloud's Pub/Sub emulator jar (0.8.20 in Google Cloud CLI 528):
 * it bundles grpc-core 1.68 with an older grpc-api, so when a client's stream
 * is reset — a consumer killed, say — the server fails with
 * `NoSuchMethodError: InternalStatus.asRuntimeException` and never learns the
 * stream is gone. It keeps leasing messages to the dead stream, and they come
 * back only after many ack deadlines. Putting the grpc-api jar of the bundled
 * grpc-core's version first on the class path fixes it. The jar comes from
 * Maven Central into .cache/emulators/pubsub; without Maven the emulator runs
 * as shipped, with a warning.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EMULATOR_CACHE } from "../harness/paths.js";

const CACHE = join(EMULATOR_CACHE, "pubsub");

/** The emulator's jar next to its launcher script (`bin/cloud-pubsub-emulator` → `lib/*-all.jar`). */
export function emulatorJar(launcher: string): string | undefined {
  const lib = join(dirname(dirname(launcher)), "lib");
  const jar = existsSync(lib)
    ? readdirSync(lib).find((f) => /^cloud-pubsub-emulator-.*-all\.jar$/.test(f))
    : undefined;
  return jar === undefined ? undefined : join(lib, jar);
}

/** The grpc-core version a jar bundles, read with `javap` from `GrpcUtil.IMPLEMENTATION_VERSION`. */
function bundledGrpcVersion(jar: string): string | undefined {
  const out = spawnSync("javap", ["-constants", "-cp", jar, "io.grpc.internal.GrpcUtil"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return /IMPLEMENTATION_VERSION = "([0-9.]+)"/.exec(out.stdout ?? "")?.[1];
}

/**
 * The grpc-api jar to put before `jar` on the class path, fetched once; or a
 * warning saying why the emulator runs unrepaired.
 */
export function grpcApiPatch(jar: string): { path: string } | { warning: string } {
  const marker = join(CACHE, `${jar.split("/").pop()}.grpc`);
  const version = existsSync(marker) ? readFileSync(marker, "utf8").trim() : bundledGrpcVersion(jar);
  if (version === undefined)
    return { warning: "could not read the grpc version the emulator bundles (javap)" };
  const path = join(CACHE, `grpc-api-${version}.jar`);
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const result = spawnSync(
      "mvn",
      ["-q", "-B", "dependency:copy", `-Dartifact=io.grpc:grpc-api:${version}`, `-DoutputDirectory=${CACHE}`],
      { encoding: "utf8", timeout: 300_000 },
    );
    if (result.status !== 0 || !existsSync(path)) {
      return {
        warning: `Maven could not fetch io.grpc:grpc-api:${version} (${result.error?.message ?? "failed"})`,
      };
    }
  }
  writeFileSync(marker, version);
  return { path };
}
