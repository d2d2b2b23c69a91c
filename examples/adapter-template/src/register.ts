import type { Adapter, DriverContext, SchemeHandler } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { TOY_BACKEND, ToyBackend } from "./backend.js";
import { ToyModel } from "./model.js";
import { ToySeries } from "./series.js";
import { ToyState } from "./state.js";
import { ToyStream } from "./stream.js";

/** The backend to use: the one the user injected as `{ url, client }`, else the process's own. */
function backendOf(context: DriverContext): ToyBackend {
  if (context.client === undefined) return TOY_BACKEND;
  if (context.client instanceof ToyBackend) return context.client;
  // create() throws SwitchyardError naming the fix; driver methods throw raw provider errors.
  throw new SwitchyardError(
    "InvalidArgument",
    `resource "${context.name}": the injected client must be a ToyBackend`,
  );
}

/** The resource name of `toy://<name>`; `create=true` makes a missing one, as `?create=true` does on real adapters. */
function nameOf(url: URL): { name: string; create: boolean } {
  const name = url.hostname;
  if (name === "")
    throw new SwitchyardError("InvalidArgument", `${url.href}: name the resource, e.g. toy://orders`);
  return { name, create: url.searchParams.get("create") === "true" };
}

/**
 * The template adapter: registers `toy://` for all four resource kinds. A
 * JSON or YAML config lists it by package name (`"adapters": ["switchyard-adapter-template"]`);
 * core then calls the factory named after the package (`template`) or the default export.
 */
export function template(): Adapter {
  const stream: SchemeHandler<"stream"> = {
    kind: "stream",
    scheme: "toy",
    params: ["create", "partitions"],
    create(url, context) {
      const { name, create } = nameOf(url);
      const partitions = Number(url.searchParams.get("partitions") ?? "1");
      if (!Number.isInteger(partitions) || partitions < 1)
        throw new SwitchyardError("InvalidArgument", `${url.href}: partitions must be a whole number ≥ 1`);
      const backend = backendOf(context);
      return new ToyStream(backend, name, backend.log(name, partitions, create));
    },
  };
  const state: SchemeHandler<"state"> = {
    kind: "state",
    scheme: "toy",
    params: ["create"],
    create(url, context) {
      const { name, create } = nameOf(url);
      const backend = backendOf(context);
      if (create && !backend.tables.has(name)) backend.tables.set(name, new Map());
      return new ToyState(backend, name, backend.tables.get(name));
    },
  };
  const model: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "toy",
    params: [],
    create: (url, context) => new ToyModel(backendOf(context), nameOf(url).name),
  };
  const series: SchemeHandler<"timeseries"> = {
    kind: "timeseries",
    scheme: "toy",
    params: ["create"],
    create(url, context) {
      const { name, create } = nameOf(url);
      const backend = backendOf(context);
      if (create && !backend.series.has(name)) backend.series.set(name, []);
      return new ToySeries(backend, name, backend.series.get(name));
    },
  };
  return { name: "switchyard-adapter-template", schemes: [stream, state, model, series] };
}
