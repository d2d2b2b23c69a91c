/**
 * How the fraud example's unchanged `aws` profile reaches the emulators: the
 * SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables, which the adapter
 * reads from the process environment as the SDK does. The profile creates its
 * streams and tables itself (`create=true`), under each run's name.
 */

/** Emulator endpoints, as the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables would name them. */
export interface AwsEndpoints {
  kinesis: string;
  dynamodb: string;
  timestream: string;
}

/** The variables that point the example's unchanged `aws` profile at the emulators. */
export function endpointVariables(endpoints: AwsEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoints.timestream,
  };
}
