/** `npm run emulators -- up|down|status|env [service…]`: see test/harness/cli.ts. */
import { emulatorsCommand } from "../test/harness/cli.js";

process.exit(await emulatorsCommand(process.argv.slice(2)));
