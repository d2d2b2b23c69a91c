/**
 * The fraud scorer as a pipeline module, for `switchyard run`:
 *
 *   npx switchyard run src/scorer.ts --profile kafka
 *   npx switchyard doctor --profile kafka --pipeline src/scorer.ts
 *
 * Every instance started with the same profile joins the `fraud-scorer` group
 * and takes its share of the partitions.
 */
import { fraudPipeline } from "./pipeline.js";

export default fraudPipeline();
