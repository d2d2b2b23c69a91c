/**
 * What the Vertex driver sends: a Google access token unless told not to, and
 * a clear Unauthenticated error without credentials. A recorder on 127.0.0.1
 * notes each request's headers and relays it to the project's model server,
 * which answers.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GoogleAuth, OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expected, row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/server.js";
import { VertexEndpoint } from "./endpoint.js";

let model: ModelServer | undefined;
let recorder: Server | undefined;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  model = await startFixture();
  const target = `http://127.0.0.1:${model.port}`;
  recorder = createServer((req, res) => {
    seen.push(req.headers.authorization);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void fetch(`${target}${req.url}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      }).then(async (answer) => {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(await answer.text());
      });
    });
  });
  await new Promise<void>((resolve) => recorder!.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => recorder?.close(resolve));
  await model?.close();
});

const endpoint = (query: string, client?: GoogleAuth) =>
  new VertexEndpoint(
    new URL(
      `vertex://p1/us-central1/e1?host=127.0.0.1:${(recorder!.address() as AddressInfo).port}&tls=false&${query}`,
    ),
    client === undefined ? {} : { client },
  );

function tokenAuth(token: string): GoogleAuth {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return new GoogleAuth({ authClient: client });
}

it("sends the injected credentials' access token with auth=google, and none toward loopback by default", async () => {
  seen.length = 0;
  const auth = tokenAuth("token-123");
  const withToken = endpoint("auth=google", auth);
  const [score] = await withToken.predict([row(1)], AbortSignal.timeout(10_000));
  expect(Number(score)).toBeCloseTo(expected(row(1)), 5);
  expect(withToken.as(GoogleAuth)).toBe(auth);
  await endpoint("", auth).predict([row(2)], AbortSignal.timeout(10_000));
  expect(seen).toEqual(["Bearer token-123", undefined]);
});

it("fails Unauthenticated, naming Application Default Credentials, when there are none", async () => {
  const before = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.GOOGLE_APPLICATION_CREDENTIALS = "/nonexistent/key.json";
  try {
    const driver = endpoint("auth=google");
    const failure = await driver.predict([row(1)], AbortSignal.timeout(10_000)).catch((err: unknown) => err);
    expect(driver.errorCode(failure)).toBe("Unauthenticated");
    expect(String(failure)).toMatch(/Application Default Credentials/);
  } finally {
    if (before === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = before;
  }
});
