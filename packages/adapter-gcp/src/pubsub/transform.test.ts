import { describe, expect, it } from "vitest";
import { KEY_ATTRIBUTE, TIME_ATTRIBUTE, laneOf, messageOf, recordOf } from "./transform.js";
import type { ReceivedMessage } from "./transform.js";

function received(out: ReturnType<typeof messageOf>): ReceivedMessage {
  return { ...out, id: "m-1", ackId: "a-1", publishTime: { getTime: () => 5 } };
}

describe("Pub/Sub message translation", () => {
  const record = { key: "card-7", value: Uint8Array.of(0, 255, 7), headers: { "x-a": "1" }, timestamp: 1234 };

  it("makes the key the ordering key and carries headers and event time as attributes", () => {
    const out = messageOf(record, true);
    expect(out.orderingKey).toBe("card-7");
    expect(out.attributes).toEqual({ "x-a": "1", [TIME_ATTRIBUTE]: "1234" });
    const back = recordOf(received(out), "3", "17");
    expect(back).toMatchObject({ key: "card-7", headers: { "x-a": "1" }, timestamp: 1234, id: "m-1" });
    expect([...back.value]).toEqual([0, 255, 7]);
    expect(back.position).toEqual({ partition: "3", offset: "17" });
  });

  it("keeps the key in an attribute when ordering keys are off", () => {
    const out = messageOf(record, false);
    expect(out.orderingKey).toBeUndefined();
    expect(out.attributes[KEY_ATTRIBUTE]).toBe("card-7");
    expect(recordOf(received(out), "0", "0").key).toBe("card-7");
  });

  it("falls back to the publish time for messages published by other clients", () => {
    const back = recordOf(
      { id: "m", ackId: "a", data: Buffer.from("x"), attributes: {}, publishTime: { getTime: () => 99 } },
      "0",
      "0",
    );
    expect(back.timestamp).toBe(99);
    expect(back.key).toBeUndefined();
  });

  it("puts one key always in the same lane, and spreads keys over lanes", () => {
    expect(laneOf("card-1", 8, 0)).toBe(laneOf("card-1", 8, 5));
    const lanes = new Set(Array.from({ length: 100 }, (_, i) => laneOf(`card-${i}`, 8, 0)));
    expect(lanes.size).toBe(8);
    expect(laneOf(undefined, 4, 6)).toBe("2");
    expect(laneOf("anything", 1, 0)).toBe("0");
  });
});
