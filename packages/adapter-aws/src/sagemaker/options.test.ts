import { describe, expect, it } from "vitest";
import { parseSageMakerUrl } from "./options.js";

describe("sagemaker:// URLs", () => {
  it("reads the endpoint, formats and call options", () => {
    const settings = parseSageMakerUrl(
      new URL(
        "sagemaker://fraud-scorer?region=eu-west-1&contentType=csv&customAttributes=a%3D1&targetVariant=blue&maxBatch=8",
      ),
      {},
    );
    expect(settings).toMatchObject({
      endpointName: "fraud-scorer",
      client: { region: "eu-west-1" },
      contentType: "csv",
      accept: "csv",
      customAttributes: "a=1",
      targetVariant: "blue",
      maxBatch: 8,
    });
    expect(settings.client.endpoint).toBeUndefined();
  });

  it("refuses bad names, formats and batch sizes, naming the fix", () => {
    expect(() => parseSageMakerUrl(new URL("sagemaker://fraud/scores"), {})).toThrow(/name one endpoint/);
    expect(() => parseSageMakerUrl(new URL("sagemaker://fraud?contentType=xml"), {})).toThrow(
      /json .* or csv/,
    );
    expect(() => parseSageMakerUrl(new URL("sagemaker://fraud?maxBatch=0"), {})).toThrow(/positive integer/);
    expect(() => parseSageMakerUrl(new URL("sagemaker://fraud?endpoint=nope"), {})).toThrow(/not a URL/);
  });
});
