/**
 * Finding the emulators that ship as Google Cloud CLI components: the Pub/Sub
 * emulator (a Java program) and the Bigtable emulator (`cbtemulator`). They
 * are run directly from the SDK's `platform/` folder — what
 * `gcloud beta emulators … start` runs, without gcloud's own start-up cost.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { findExecutable } from "../harness/apt.js";

/** The Google Cloud SDK's root: `SWITCHYARD_GCLOUD_SDK`, else the folder above the `gcloud` on PATH. */
export function gcloudSdkRoot(): string | undefined {
  const configured = process.env.SWITCHYARD_GCLOUD_SDK;
  if (configured !== undefined && configured !== "") return configured;
  const gcloud = findExecutable("gcloud");
  if (gcloud === undefined) return undefined;
  return dirname(dirname(realpathSync(gcloud)));
}

/**
 * The path of an emulator binary inside the SDK (e.g.
 * `platform/bigtable-emulator/cbtemulator`), or the reason it cannot be had,
 * naming the packages that provide it.
 */
export function gcloudEmulator(relative: string, component: string): { path: string } | { reason: string } {
  const root = gcloudSdkRoot();
  if (root === undefined) {
    return {
      reason:
        `gcloud is not on PATH: install the Google Cloud CLI with its ${component} component ` +
        `(apt package google-cloud-cli-${component} from Google's apt repository, or ` +
        `gcloud components install ${component}), or set SWITCHYARD_GCLOUD_SDK`,
    };
  }
  const path = join(root, relative);
  if (!existsSync(path)) {
    return {
      reason:
        `the Google Cloud CLI at ${root} lacks its ${component} component — ` +
        `gcloud components install ${component} (or apt-get install google-cloud-cli-${component})`,
    };
  }
  return { path };
}
