/** The scale-out pipeline (numbered items in, stamped items out), run here on the `aws` profile. */
export { default } from "../scale-out/pipeline.js";
