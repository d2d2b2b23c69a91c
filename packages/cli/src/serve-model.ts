import { SwitchyardError } from "@switchyard/core";
import type { Command, CommandIO } from "./command.js";

/** The package that serves models; an optional peer of the CLI, since it brings the ONNX runtime. */
const MODEL_SERVER = "@switchyard/model-server";

/** How `serve-model` imports the model server; a parameter so tests can name a package that is absent. */
export type ModelServerImporter = () => Promise<{ serveModelCommand: Pick<Command, "run"> }>;

const importModelServer: ModelServerImporter = () => import(MODEL_SERVER);

/**
 * The `serve-model` command, loading @switchyard/model-server (and with it
 * onnxruntime-node) only when it runs, so installing the CLI downloads no
 * native runtime. When the package is missing the error names the install.
 */
export function serveModelCommandFrom(importer: ModelServerImporter): Command {
  return {
    name: "serve-model",
    summary: "serve an ONNX model with every cloud's serving contract (needs @switchyard/model-server)",
    usage: `usage: switchyard serve-model <model.onnx> [options]

Serves one ONNX model over KServe v2, TF Serving, SageMaker, Vertex AI, Azure ML
and MLflow routes. Runs @switchyard/model-server (npm install ${MODEL_SERVER});
"switchyard serve-model --help" lists its options.`,
    async run(args: string[], io: CommandIO): Promise<number> {
      let server: Awaited<ReturnType<ModelServerImporter>>;
      try {
        server = await importer();
      } catch (err) {
        throw new SwitchyardError(
          "FailedPrecondition",
          `serve-model runs ${MODEL_SERVER}, which cannot be loaded — npm install ${MODEL_SERVER}`,
          { cause: err },
        );
      }
      return server.serveModelCommand.run(args, io);
    },
  };
}

/** `switchyard serve-model`: @switchyard/model-server's command, imported on first use. */
export const serveModelCommand: Command = serveModelCommandFrom(importModelServer);
