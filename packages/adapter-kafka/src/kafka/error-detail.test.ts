import { MultipleErrors, NetworkError, ResponseError } from "@platformatic/kafka";
import { SwitchyardError, wrapError } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { kafkaErrorDetail, withKafkaDetail } from "./error-detail.js";
import { kafkaErrorCode } from "./errors.js";

const PRODUCE_API = 0;

/** A produce answer naming `topic`, whose partition at index 1 (partition 2) carries `kafkaCode`. */
function refusedProduce(topic: string, kafkaCode: number): ResponseError {
  const response = {
    responses: [
      {
        name: topic,
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 41n },
          { index: 2, errorCode: kafkaCode, baseOffset: -1n },
        ],
      },
    ],
    throttleTimeMs: 0,
  };
  return new ResponseError(
    PRODUCE_API,
    11,
    { "/responses/0/partition_responses/1": [kafkaCode, null] },
    response,
  );
}

/** A failed send as `Producer.send` rejects with it: per-broker aggregates of every attempt. */
function failedSend(...attempts: Error[]): MultipleErrors {
  return new MultipleErrors("Producing messages failed.", [
    new MultipleErrors(`produce failed ${attempts.length} times.`, attempts),
  ]);
}

function refused(port: number): NetworkError {
  const socket = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: "ECONNREFUSED" });
  return new NetworkError(`Connection to 127.0.0.1:${port} failed.`, { cause: socket });
}

describe("kafka send failures, spelled out", () => {
  it("names the broker's error, its Kafka code and the partition behind `Producing messages failed.`", () => {
    const err = failedSend(refusedProduce("orders", 45));
    expect(kafkaErrorDetail(err)).toBe(
      "OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka error 45) on orders partition 2: The broker received an out of order sequence number.",
    );
  });

  it("classifies the idempotent producer's sequence errors as passing (the stream renews its producer id)", () => {
    expect(kafkaErrorCode(failedSend(refusedProduce("orders", 45)))).toBe("Unavailable");
    expect(kafkaErrorCode(failedSend(refusedProduce("orders", 46)))).toBe("Unavailable");
    expect(kafkaErrorCode(failedSend(refusedProduce("orders", 47)))).toBe("Unavailable");
    expect(kafkaErrorCode(failedSend(refusedProduce("orders", 59)))).toBe("Unavailable");
    // An answer that is about the records themselves stays theirs.
    expect(kafkaErrorCode(failedSend(refusedProduce("orders", 10)))).toBe("InvalidArgument");
  });

  it("names socket failures once each, however many attempts hit them", () => {
    const err = failedSend(new NetworkError("Connection closed"), refused(9092), refused(9092));
    expect(kafkaErrorDetail(err)).toBe(
      "PLT_KFK_NETWORK: Connection closed; ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9092",
    );
    expect(kafkaErrorCode(err)).toBe("Unavailable");
  });

  it("keeps the client's error as cause and its classification through core's wrapping", () => {
    const client = failedSend(refusedProduce("orders", 45));
    const wrapped = wrapError(withKafkaDetail(client), kafkaErrorCode, 'stream "orders": send');
    expect(wrapped).toBeInstanceOf(SwitchyardError);
    expect(wrapped.code).toBe("Unavailable");
    expect(wrapped.message).toBe(
      'stream "orders": send: Producing messages failed. — OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka error 45) on orders partition 2: The broker received an out of order sequence number.',
    );
    expect((wrapped.cause as Error).cause).toBe(client);
  });

  it("leaves an error with nothing inside as it is", () => {
    const plain = new NetworkError("Connection closed");
    expect(kafkaErrorDetail(plain)).toBeUndefined();
    expect(withKafkaDetail(plain)).toBe(plain);
    expect(withKafkaDetail("weird").message).toBe("weird");
    const own = new SwitchyardError("NotFound", "no topic", { cause: new NetworkError("Connection closed") });
    expect(withKafkaDetail(own)).toBe(own);
  });
});
