/**
 * TLS and mutual TLS to a real Kafka broker of the test's own (listeners with
 * a server certificate, one that requires a client certificate, one with an
 * expired server certificate, and SASL over TLS), certificates made with
 * openssl when the file runs. Wrong CAs and expired certificates must fail
 * the stream's open with an error naming the URL parameter that fixes them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StreamDriver } from "@switchyard/core/driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { makeTestCertificates, opensslMissing } from "../../../../test/security/certificates.js";
import type { TestCertificates } from "../../../../test/security/certificates.js";
import { startTlsKafka } from "../../../../test/security/kafka-tls.js";
import type { TlsKafka } from "../../../../test/security/kafka-tls.js";
import { kafka } from "../register.js";

const handler = kafka().schemes[0]!;
const open = async (url: string) =>
  (await handler.create(new URL(url), { name: "tls", baseDir: "." })) as StreamDriver;

const missing = opensslMissing();
if (missing !== undefined) console.warn(`⚠ Kafka TLS tests cannot run: ${missing}`);

/** Sends one record and reads it back through a consumer group. */
async function roundTrip(stream: StreamDriver, text: string): Promise<string> {
  await stream.send(
    [{ key: "k", value: Buffer.from(text), headers: {}, timestamp: Date.now() }],
    AbortSignal.timeout(20_000),
  );
  const consumer = await stream.openConsumer({ group: `g-${text}`, start: "earliest", consumerName: "c" });
  try {
    for (let i = 0; i < 20; i++) {
      const got = await consumer.receive(10, AbortSignal.timeout(1000));
      if (got.length > 0) return Buffer.from(got[0]!.value).toString();
    }
    return "(nothing)";
  } finally {
    await consumer.close();
  }
}

describeService("kafka", "Kafka over TLS and mutual TLS", () => {
  let dir: string;
  let certs: TestCertificates;
  let broker: TlsKafka;

  beforeAll(async () => {
    if (missing !== undefined) return;
    dir = mkdtempSync(join(tmpdir(), "switchyard-kafka-tls-"));
    certs = makeTestCertificates(dir);
    broker = await startTlsKafka(certs, { tester: "tester-password" });
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Each case needs openssl; the reason is printed above when it is missing.
  const tlsIt = it.skipIf(missing !== undefined);
  const fast = "connectTimeoutMs=8000";

  tlsIt(
    "produces and consumes over TLS with the CA given as ca=",
    async () => {
      const stream = await open(`kafka://${broker.tls}/tls-plain?create=true&ca=${certs.ca}&${fast}`);
      try {
        expect(await roundTrip(stream, "over-tls")).toBe("over-tls");
      } finally {
        await stream.close();
      }
    },
    60_000,
  );

  tlsIt(
    "produces and consumes with a client certificate where the broker requires one",
    async () => {
      const { cert, key } = certs.client;
      const stream = await open(
        `kafka://${broker.mtls}/tls-mutual?create=true&ca=${certs.ca}&cert=${cert}&key=${key}`,
      );
      try {
        expect(await roundTrip(stream, "mutual")).toBe("mutual");
      } finally {
        await stream.close();
      }
    },
    60_000,
  );

  tlsIt(
    "authenticates with SASL over TLS",
    async () => {
      const url = `kafka://tester:tester-password@${broker.saslTls}/tls-sasl?create=true&sasl=plain&ca=${certs.ca}`;
      const stream = await open(url);
      try {
        expect(await roundTrip(stream, "sasl-tls")).toBe("sasl-tls");
      } finally {
        await stream.close();
      }
    },
    60_000,
  );

  tlsIt.each([
    [
      "no ca= (the system's CAs)",
      () => `kafka://${broker.tls}/t?tls=true&${fast}`,
      /not signed by a CA this client trusts .* set ca=</,
    ],
    [
      "a CA that did not sign the broker's certificate",
      () => `kafka://${broker.tls}/t?ca=${certs.otherCa}&${fast}`,
      /not signed by the CA in ca=.*other-ca\.crt .* point ca= at the CA that signed/,
    ],
    [
      "an expired broker certificate",
      () => `kafka://${broker.expired}/t?ca=${certs.ca}&${fast}`,
      /broker's TLS certificate has expired \(CERT_HAS_EXPIRED\) — the broker needs a renewed certificate/,
    ],
    [
      "no client certificate where one is required",
      () => `kafka://${broker.mtls}/t?ca=${certs.ca}&${fast}`,
      /client certificate.* set cert=.* and key=/,
    ],
    [
      "an expired client certificate",
      () =>
        `kafka://${broker.mtls}/t?ca=${certs.ca}&cert=${certs.expiredClient.cert}&key=${certs.expiredClient.key}&${fast}`,
      /refused the client certificate.*expired-client\.crt/,
    ],
    [
      "a client certificate from another CA",
      () =>
        `kafka://${broker.mtls}/t?ca=${certs.ca}&cert=${certs.strangerClient.cert}&key=${certs.strangerClient.key}&${fast}`,
      /refused the client certificate.*stranger-client\.crt/,
    ],
  ])(
    "refuses %s when the stream opens, naming the fix",
    async (_, url, message) => {
      const attempt = open(url());
      await expect(attempt).rejects.toMatchObject({ code: "Unauthenticated" });
      await expect(attempt).rejects.toThrow(message);
    },
    60_000,
  );

  tlsIt(
    "says when the port does not answer TLS",
    async () => {
      const attempt = open(`kafka://${broker.plain}/t?ca=${certs.ca}&${fast}`);
      await expect(attempt).rejects.toThrow(
        /did not answer TLS on this port .* use the broker's TLS listener/,
      );
    },
    60_000,
  );

  tlsIt("refuses a certificate file it cannot read when the stream opens, naming the parameter", async () => {
    const nowhere = join(dir, "nowhere.crt");
    await expect(open(`kafka://${broker.tls}/t?ca=${nowhere}`)).rejects.toThrow(
      `ca=${nowhere}: the CA certificate file cannot be read (ENOENT)`,
    );
    await expect(
      open(`kafka://${broker.tls}/t?cert=${certs.client.cert}&key=${certs.strangerClient.key}`),
    ).rejects.toThrow(/certificate and key= cannot be used together/);
  });
});
