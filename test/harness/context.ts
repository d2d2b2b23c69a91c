/** What the global setup hands to test files through vitest's `provide` / `inject`. */
export interface ServicesContext {
  /** Variables of each running service, by service name. */
  env: Record<string, Record<string, string>>;
  /** Why each service that the run needed could not be had, by service name. */
  missing: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The emulated services of this run. */
    switchyardServices: ServicesContext;
  }
}
