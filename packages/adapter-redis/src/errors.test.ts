import { randomUUID } from "node:crypto";
import { SwitchyardError } from "@switchyard/core/driver";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { redisErrorCode } from "./errors.js";
import { RedisStateStore } from "./state/state-store.js";

const signal = new AbortController().signal;

describe("redisErrorCode", () => {
  it.each([
    ["WRONGTYPE Operation against a key holding the wrong kind of value", "FailedPrecondition"],
    [
      "ERR Error running script (call to f_1): @user_script:2: WRONGTYPE Operation against a key",
      "FailedPrecondition",
    ],
    ["READONLY You can't write against a read only replica.", "Unavailable"],
    ["LOADING Redis is loading the dataset in memory", "Unavailable"],
    ["OOM command not allowed when used memory > 'maxmemory'.", "ResourceExhausted"],
    ["NOAUTH Authentication required.", "Unauthenticated"],
    ["NOSCRIPT No matching script. Please use EVAL.", "Internal"],
    ["NOGROUP No such key 's' or consumer group 'g'", "NotFound"],
    ["ERR max number of clients reached", "ResourceExhausted"],
    ["ERR unknown command 'XAUTOCLAIM', with args beginning with:", "Unimplemented"],
    ["ERR value is not an integer or out of range", "FailedPrecondition"],
    ["ERR syntax error", "InvalidArgument"],
    ["Connection is closed.", "Unavailable"],
    ["Command aborted due to connection close", "Unavailable"],
    [
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
      "Unavailable",
    ],
    ["something else entirely", "Unknown"],
  ])("classifies %j as %s", (message, code) => {
    expect(redisErrorCode(new Error(message))).toBe(code);
  });

  it("keeps the code of a SwitchyardError and treats a DOMException abort as Canceled", () => {
    expect(redisErrorCode(new SwitchyardError("InvalidArgument", "bad"))).toBe("InvalidArgument");
    expect(redisErrorCode(new DOMException("stop", "AbortError"))).toBe("Canceled");
    expect(redisErrorCode(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
      "Unavailable",
    );
    expect(redisErrorCode("a string")).toBe("Unknown");
  });
});

describeService("redis", "Redis errors from a real server", (env) => {
  const admin = new Redis(env.SWITCHYARD_REDIS_URL!, { lazyConnect: true });
  const user = `u-${randomUUID()}`;
  const address = new URL(env.SWITCHYARD_REDIS_URL!).host;
  afterAll(async () => {
    await admin.acl("DELUSER", user);
    admin.disconnect();
  });

  it("is PermissionDenied for a command the user may not run, Unauthenticated for a wrong password", async () => {
    await admin.acl("SETUSER", user, "on", ">secret", "~*", "+mget", "+ping");
    const limited = new RedisStateStore(new URL(`redis://${user}:secret@${address}/0`));
    expect(await limited.get(["k"], signal)).toEqual([undefined]);
    const denied = await limited
      .put([{ key: "k", value: new Uint8Array(1) }], signal)
      .catch((e: unknown) => e);
    expect(limited.errorCode(denied)).toBe("PermissionDenied");
    await limited.close();
    const wrong = new RedisStateStore(new URL(`redis://${user}:nope@${address}/0`));
    const refused = await wrong.get(["k"], signal).catch((e: unknown) => e);
    expect(wrong.errorCode(refused)).toBe("Unauthenticated");
    await wrong.close();
  });
});
