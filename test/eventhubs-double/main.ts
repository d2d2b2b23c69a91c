/**
 * Runs the Event Hubs test double as a process:
 * `tsx test/eventhubs-double/main.ts --port <amqp> --control-port <http> [--data <file>] [--hub name:partitions …]`.
 * With `--data`, hubs and events are logged to the file and served again after a restart.
 * Prints one line `ready amqp=<port> control=<port>` once both listen.
 */
import { parseArgs } from "node:util";
import { controlPort, serveControl } from "./control.js";
import { EventHubsDouble } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "control-port": { type: "string", default: "0" },
    hub: { type: "string", multiple: true, default: [] },
    data: { type: "string" },
  },
});

const double = await EventHubsDouble.start(Number(values.port), values.data);
for (const spec of values.hub) {
  const [name, partitions] = spec.split(":");
  double.namespace.create(name!, Number(partitions ?? "4"));
}
const control = await serveControl(double, Number(values["control-port"]));
console.log(`ready amqp=${double.port} control=${controlPort(control)}`);

const stop = () => {
  control.close();
  void double.stop().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
