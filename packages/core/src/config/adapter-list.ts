import type { Adapter } from "../driver/adapter.js";
import { loadAdapterPackage, readAdapterManifest } from "./adapter-packages.js";
import { knownPackage } from "./missing-adapter.js";

/**
 * The adapter packages a config lists by name, imported only when a resource
 * of the profile uses one of their schemes — so a project that lists every
 * cloud but runs `local` loads no cloud SDK. Each package is imported once.
 */
export class AdapterPackages {
  readonly #names: readonly string[];
  readonly #source: string;
  readonly #imported = new Map<string, Promise<Adapter>>();

  /** `names` in config order; `source` names the config in messages. */
  constructor(names: readonly string[], source: string) {
    this.#names = names;
    this.#source = source;
  }

  /** Whether the config lists any package by name. */
  get size(): number {
    return this.#names.length;
  }

  /**
   * Imports the listed packages that may serve `scheme` and resolves with their
   * adapters: those whose package.json declares it, those that declare no
   * schemes, and those core cannot read without importing (not installed for
   * `baseDir`) unless the scheme is known to belong to another package.
   * A package that cannot be imported is an InvalidArgument naming `npm install`.
   */
  async serving(scheme: string, baseDir: string): Promise<Adapter[]> {
    const owner = knownPackage(scheme);
    const candidates = this.#names.filter((name) => {
      const schemes = readAdapterManifest(name, baseDir)?.schemes;
      if (schemes !== undefined) return schemes.includes(scheme);
      return owner === undefined || owner === name;
    });
    return Promise.all(candidates.map((name) => this.#import(name, baseDir)));
  }

  #import(name: string, baseDir: string): Promise<Adapter> {
    let adapter = this.#imported.get(name);
    if (adapter === undefined) {
      adapter = loadAdapterPackage(name, baseDir, this.#source);
      this.#imported.set(name, adapter);
      // A failed import is not kept, so a later open (after npm install) tries again.
      adapter.catch(() => this.#imported.delete(name));
    }
    return adapter;
  }
}
