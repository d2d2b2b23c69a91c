import { describe, expect, it } from "vitest";
import { vertexSettings } from "./settings.js";

const settings = (url: string) => vertexSettings(new URL(url));

describe("vertex:// URLs", () => {
  it("name Vertex AI's regional predict URL, with Google auth, by default", () => {
    expect(settings("vertex://my-project/europe-west4/1234567890")).toMatchObject({
      predictUrl:
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/endpoints/1234567890:predict",
      auth: true,
      maxBatch: 64,
      parameters: undefined,
    });
  });

  it("skip auth toward a loopback host, and take parameters as a JSON object", () => {
    const s = settings(
      "vertex://p1/us-central1/e1?host=127.0.0.1:8080&tls=false&apiVersion=v1beta1&maxBatch=8&parameters=%7B%22k%22%3A1%7D",
    );
    expect(s).toMatchObject({
      predictUrl: "http://127.0.0.1:8080/v1beta1/projects/p1/locations/us-central1/endpoints/e1:predict",
      auth: false,
      maxBatch: 8,
      parameters: { k: 1 },
    });
  });

  it("refuse a bad URL naming the fix", () => {
    expect(() => settings("vertex://p1/us-central1")).toThrow(
      /vertex:\/\/<project>\/<location>\/<endpoint id>/,
    );
    expect(() => settings("vertex://p1/us-central1/e1?parameters=[1]")).toThrow(/must be a JSON object/);
    expect(() => settings("vertex://p1/us-central1/e1?host=a/b")).toThrow(/"host" must be a host name/);
  });

  it("never send a token without TLS, except to this machine", () => {
    expect(() => settings("vertex://p1/us-central1/e1?host=10.0.0.5:8080&tls=false")).toThrow(
      /never sent without TLS/,
    );
    expect(settings("vertex://p1/us-central1/e1?host=10.0.0.5:8080&tls=false&auth=none").auth).toBe(false);
    expect(settings("vertex://p1/us-central1/e1?host=127.0.0.1:8080&tls=false&auth=google").auth).toBe(true);
  });
});
