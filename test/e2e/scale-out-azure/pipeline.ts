/** The scale-out pipeline (numbered items in, stamped with the instance out), run here on Event Hubs. */
export { default } from "../scale-out/pipeline.js";
