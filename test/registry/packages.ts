/**
 * The publishable packages of this repository, and how the registry tests
 * publish them: packed as `npm pack` packs them (their `files`, README and
 * LICENSE), given a test version (with their `@switchyard/*` ranges pinned to
 * it), and published to a registry with a user made for the run.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.js";
import { describeRun, run } from "./npm.js";

/** One package of `packages/`. */
export interface RepoPackage {
  /** Its npm name, e.g. `@switchyard/core`. */
  name: string;
  /** Its directory. */
  dir: string;
}

/** The directory that holds the publishable packages. */
const PACKAGES_DIR = join(REPO_ROOT, "packages");

type Manifest = Record<string, unknown> & { name: string; version: string; private?: boolean };

/** Every package of `packages/` that is not private, by name. */
export function publishablePackages(): RepoPackage[] {
  return readdirSync(PACKAGES_DIR)
    .map((entry) => join(PACKAGES_DIR, entry))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest,
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];

/** The manifest as published at `version`: `@switchyard/*` ranges pinned to it, no dev dependencies. */
function atVersion(manifest: Manifest, version: string): Manifest {
  const out: Manifest = { ...manifest, version };
  delete out.devDependencies;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field] as Record<string, string> | undefined;
    if (deps === undefined) continue;
    out[field] = Object.fromEntries(
      Object.entries(deps).map(([name, range]) => [name, name.startsWith("@switchyard/") ? version : range]),
    );
  }
  return out;
}

/** Packs `pkg` into `stageDir` and unpacks it there; resolves with the unpacked directory. */
export async function stagePackage(pkg: RepoPackage, stageDir: string, version: string): Promise<string> {
  mkdirSync(stageDir, { recursive: true });
  const packed = await run("npm", ["pack", "--json", "--pack-destination", stageDir], { cwd: pkg.dir });
  if (packed.code !== 0) throw new Error(describeRun(`npm pack in ${pkg.dir}`, packed));
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const target = join(stageDir, pkg.name.replace("/", "+"));
  mkdirSync(target, { recursive: true });
  const unpacked = await run("tar", ["-xzf", join(stageDir, filename), "-C", target], { cwd: stageDir });
  if (unpacked.code !== 0) throw new Error(describeRun(`tar -xzf ${filename}`, unpacked));
  const dir = join(target, "package");
  const manifestFile = join(dir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  writeFileSync(manifestFile, `${JSON.stringify(atVersion(manifest, version), null, 2)}\n`);
  return dir;
}

/** Registers a user on the registry at `url` and resolves with its token. */
export async function registerUser(url: string): Promise<string> {
  const name = "switchyard-test";
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: "registry-test-password", type: "user", roles: [] }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || body.token === undefined) {
    throw new Error(`registering a user on ${url} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** Publishes the unpacked package in `dir` to the registry at `url` with `token`. */
export async function publish(dir: string, url: string, token: string, userconfig: string): Promise<void> {
  const host = url.replace(/^https?:/, "");
  writeFileSync(userconfig, `${host}:_authToken=${token}\n`);
  const published = await run(
    "npm",
    [
      "publish",
      dir,
      "--registry",
      url,
      "--userconfig",
      userconfig,
      "--ignore-scripts",
      "--tag",
      "registry-test",
    ],
    { cwd: dir },
  );
  if (published.code !== 0) throw new Error(describeRun(`npm publish ${dir}`, published));
}
