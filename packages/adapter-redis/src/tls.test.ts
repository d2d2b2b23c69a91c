/**
 * TLS and mutual TLS to a real redis-server: certificates made with openssl
 * when the file runs, three servers of the test's own (client certificate
 * checked when given, required, and an expired server certificate). Wrong
 * CAs and expired certificates must fail at the startup check with an error
 * naming the URL parameter that fixes them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateStoreDriver, StreamDriver } from "@switchyard/core/driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { makeTestCertificates, opensslMissing } from "../../../test/security/certificates.js";
import type { TestCertificates } from "../../../test/security/certificates.js";
import { startTlsRedis, tlsMissing } from "../../../test/security/redis-tls.js";
import type { TlsRedis } from "../../../test/security/redis-tls.js";
import { redis } from "./register.js";

const schemes = redis().schemes;
const handler = (scheme: string) => schemes.find((s) => s.scheme === scheme)!;
const context = { name: "tls", baseDir: "." };
const state = async (url: string) =>
  (await handler(new URL(url).protocol.slice(0, -1)).create(new URL(url), context)) as StateStoreDriver;
const stream = async (url: string) =>
  (await handler(new URL(url).protocol.slice(0, -1)).create(new URL(url), context)) as StreamDriver;
const signal = () => AbortSignal.timeout(15_000);

/** The error the store's startup check fails with (the store is closed either way). */
async function probeError(url: string): Promise<unknown> {
  const store = await state(url);
  try {
    await store.probe!(signal());
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await store.close();
  }
}

const missing = opensslMissing() ?? (await tlsMissing());
if (missing !== undefined) console.warn(`⚠ Redis TLS tests cannot run: ${missing}`);

describeService("redis", "Redis over TLS and mutual TLS", () => {
  let dir: string;
  let certs: TestCertificates;
  let optional: TlsRedis;
  let required: TlsRedis;
  let expired: TlsRedis;

  beforeAll(async () => {
    if (missing !== undefined) return;
    dir = mkdtempSync(join(tmpdir(), "switchyard-redis-tls-"));
    certs = makeTestCertificates(dir);
    [optional, required, expired] = await Promise.all([
      startTlsRedis({ server: certs.server, ca: certs.ca, clientAuth: "optional" }),
      startTlsRedis({ server: certs.server, ca: certs.ca, clientAuth: "yes" }),
      startTlsRedis({ server: certs.expiredServer, ca: certs.ca, clientAuth: "no" }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([optional?.stop(), required?.stop(), expired?.stop()]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Each case needs openssl and a redis-server built with TLS; the reason is printed above when not.
  const tlsIt = it.skipIf(missing !== undefined);

  tlsIt("stores and reads state over rediss:// with the CA given as ca=", async () => {
    const store = await state(`rediss://${optional.tls}/0?ca=${certs.ca}`);
    try {
      await store.probe!(signal());
      await store.put([{ key: "k", value: Buffer.from("over tls") }], signal());
      const [entry] = await store.get(["k"], signal());
      expect(Buffer.from(entry!.value).toString()).toBe("over tls");
    } finally {
      await store.close();
    }
  });

  tlsIt("sends and consumes a stream with a client certificate where the server requires one", async () => {
    const url = `redis-stream://${required.tls}/tls-stream?ca=${certs.ca}&cert=${certs.client.cert}&key=${certs.client.key}`;
    const tx = await stream(url);
    try {
      await tx.probe!(signal());
      await tx.send(
        [{ key: "k", value: Buffer.from("mutual"), headers: {}, timestamp: Date.now() }],
        signal(),
      );
      const consumer = await tx.openConsumer({ group: "g", start: "earliest", consumerName: "c" });
      const got = await consumer.receive(10, signal());
      expect(got.map((r) => Buffer.from(r.value).toString())).toEqual(["mutual"]);
      await consumer.close();
    } finally {
      await tx.close();
    }
  });

  tlsIt.each([
    [
      "no ca= (the system's CAs)",
      () => `rediss://${optional.tls}/0`,
      /not signed by a CA this client trusts .* set ca=</,
    ],
    [
      "a CA that did not sign the server's certificate",
      () => `rediss://${optional.tls}/0?ca=${certs.otherCa}`,
      /not signed by the CA in ca=.*other-ca\.crt .* point ca= at the CA that signed/,
    ],
    [
      "an expired server certificate",
      () => `rediss://${expired.tls}/0?ca=${certs.ca}`,
      /server's TLS certificate has expired \(CERT_HAS_EXPIRED\) — the server needs a renewed certificate/,
    ],
    [
      "no client certificate where one is required",
      () => `rediss://${required.tls}/0?ca=${certs.ca}`,
      /wants a client certificate .* set cert=.* and key=/,
    ],
    [
      "an expired client certificate",
      () =>
        `rediss://${required.tls}/0?ca=${certs.ca}&cert=${certs.expiredClient.cert}&key=${certs.expiredClient.key}`,
      /refused the client certificate.*expired-client\.crt/,
    ],
    [
      "a client certificate from another CA",
      () =>
        `rediss://${required.tls}/0?ca=${certs.ca}&cert=${certs.strangerClient.cert}&key=${certs.strangerClient.key}`,
      /refused the client certificate.*stranger-client\.crt.* issued by a CA the server trusts/,
    ],
  ])("refuses %s at the startup check, naming the fix", async (_, url, message) => {
    const err = await probeError(url());
    expect(err).toMatchObject({ code: "Unauthenticated" });
    expect(String((err as Error).message)).toMatch(message);
  });

  tlsIt("says when the port does not answer TLS, naming the TLS port setting", async () => {
    const err = await probeError(`rediss://${optional.plain}/0?ca=${certs.ca}&connectTimeoutMs=2000`);
    expect(err).toMatchObject({ code: "Unavailable" });
    expect(String((err as Error).message)).toMatch(
      /no TLS handshake \(within 2000 ms\) — is port \d+ the server's TLS port \(tls-port\)\?/,
    );
  });

  tlsIt(
    "refuses unreadable or mismatched certificate files when the store is built, naming the parameter",
    async () => {
      const nowhere = join(dir, "nowhere.crt");
      await expect(state(`rediss://${optional.tls}/0?ca=${nowhere}`)).rejects.toThrow(
        `ca=${nowhere}: the CA certificate file cannot be read (ENOENT)`,
      );
      const notPem = join(dir, "not-pem.crt");
      writeFileSync(notPem, "hello");
      await expect(state(`rediss://${optional.tls}/0?ca=${notPem}`)).rejects.toThrow(
        /holds no PEM CA certificate/,
      );
      await expect(state(`rediss://${optional.tls}/0?cert=${certs.client.cert}`)).rejects.toThrow(
        /cert= and key= go together/,
      );
      await expect(
        state(`rediss://${optional.tls}/0?cert=${certs.client.cert}&key=${certs.strangerClient.key}`),
      ).rejects.toThrow(/certificate and key= cannot be used together/);
      await expect(state(`redis://${optional.tls}/0?tls=false&ca=${certs.ca}`)).rejects.toThrow(
        /tls=false contradicts ca=/,
      );
    },
  );
});
