import { describe, expect, it } from "vitest";
import { producerFor } from "./clients.js";
import { parseEventHubsUrl } from "./options.js";

const url = (text: string) => new URL(text);

describe("eventhubs:// URLs", () => {
  it("reads the namespace, hub and parameters, with the SDK's defaults", () => {
    const o = parseEventHubsUrl(
      url(
        "eventhubs://ns.servicebus.windows.net/tx?consumerGroup=scorer&loadBalancing=greedy&receiveBatch=50",
      ),
      {},
      {},
    );
    expect(o).toMatchObject({
      namespace: "ns.servicebus.windows.net",
      hub: "tx",
      consumerGroup: "scorer",
      loadBalancing: "greedy",
      receiveBatch: 50,
      updateIntervalMs: 10_000,
      ownershipExpiryMs: 60_000,
    });
    expect(
      parseEventHubsUrl(url("eventhubs://ns.servicebus.windows.net/tx"), {}, {}).consumerGroup,
    ).toBeUndefined();
  });

  it("takes secrets from the environment, not the URL", () => {
    const o = parseEventHubsUrl(
      url("eventhubs://ns.servicebus.windows.net/tx"),
      {},
      {
        AZURE_EVENTHUBS_CONNECTION_STRING:
          "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b",
        AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
      },
    );
    expect(o.connectionString).toContain("SharedAccessKey=b");
    expect(o.checkpoints.connectionString).toBe("UseDevelopmentStorage=true");
  });

  it("refuses a URL without a hub and bad parameter values, naming the fix", () => {
    expect(() => parseEventHubsUrl(url("eventhubs://ns.servicebus.windows.net/"), {}, {})).toThrow(/one hub/);
    expect(() => parseEventHubsUrl(url("eventhubs://ns/tx?loadBalancing=fair"), {}, {})).toThrow(
      /balanced or greedy/,
    );
    expect(() => parseEventHubsUrl(url("eventhubs://ns/tx?receiveBatch=0"), {}, {})).toThrow(/above 0/);
  });

  it("fails on a malformed or foreign connection string without printing its key", () => {
    const bad = parseEventHubsUrl(
      url("eventhubs://ns.servicebus.windows.net/tx"),
      {
        connectionString: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=a;Key=supersecret",
      },
      {},
    );
    expect(() => producerFor(bad)).toThrow(/not valid/);
    expect(() => producerFor(bad)).not.toThrow(/supersecret/);
    const foreign = parseEventHubsUrl(
      url("eventhubs://ns.servicebus.windows.net/tx"),
      {
        connectionString:
          "Endpoint=sb://other.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=supersecret",
      },
      {},
    );
    expect(() => producerFor(foreign)).toThrow(/other\.servicebus\.windows\.net, not ns/);
  });
});
