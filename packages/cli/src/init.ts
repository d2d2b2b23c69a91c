import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";

/** The app template shipped with the CLI: every file ends in `.template`; `gitignore` becomes `.gitignore`. */
const TEMPLATE = fileURLToPath(new URL("../templates/app/", import.meta.url));

const USAGE = `Usage: switchyard init [dir] [options]

Writes a new Switchyard app into dir (default: the current directory): package.json,
tsconfig.json, switchyard.config.ts with a local profile (files in data/) and a
kafka profile, a pipeline with a validated, typed source, its test, and a README.
Then: cd dir && npm install && npm test && npx switchyard run src/pipeline.ts

Options:
      --name <name>   the package name (default: the directory's name)
      --force         write even where files of the same names exist
  -h, --help          show this help`;

/** The template's files, as paths relative to the template folder. */
function templateFiles(dir = TEMPLATE): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? templateFiles(path) : [relative(TEMPLATE, path)];
  });
}

/** Where a template file goes in the app. */
function target(file: string): string {
  const path = file.replace(/\.template$/, "");
  return basename(path) === "gitignore" ? join(dirname(path), ".gitignore") : path;
}

function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** A valid npm package name from a directory name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name === "" ? "switchyard-app" : name;
}

async function init(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, { name: { type: "string" }, force: { type: "boolean" } });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [where = ".", ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dir = resolve(io.cwd, where);
  const name = typeof parsed.values.name === "string" ? parsed.values.name : packageName(dir);
  const files = templateFiles();
  const clashes = files.map(target).filter((file) => existsSync(join(dir, file)));
  if (clashes.length > 0 && parsed.values.force !== true) {
    throw new UsageError(
      `${dir} already has ${clashes.join(", ")} — choose an empty directory, or pass --force to overwrite`,
    );
  }
  const values: Record<string, string> = { name, version: cliVersion() };
  for (const file of files) {
    const text = readFileSync(join(TEMPLATE, file), "utf8").replace(
      /\{\{(\w+)\}\}/g,
      (all, key: string) => values[key] ?? all,
    );
    const out = join(dir, target(file));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
  const near = relative(io.cwd, dir);
  const cd = near.startsWith("..") ? dir : near;
  io.stdout(
    `wrote ${name} (${files.length} files) in ${dir}\n\nnext:\n${cd === "" ? "" : `  cd ${cd}\n`}  npm install\n  npm test\n  npx switchyard run src/pipeline.ts\n`,
  );
  return 0;
}

/** `switchyard init`: writes a new app, ready to install, test and run. */
export const initCommand: Command = {
  name: "init",
  summary: "write a new app: config with local and kafka profiles, a typed pipeline, its test",
  usage: USAGE,
  run: init,
};
