import { SwitchyardError } from "../errors.js";

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** `$${...}` (escaped, kept literally as `${...}`) or `${NAME}` / `${NAME:-default}`. */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${NAME}` with the environment variable's value and `${NAME:-default}`
 * with the value, or `default` when the variable is unset or empty (as in a
 * shell). `$${` writes a literal `${`. An unset variable without a default is an
 * InvalidArgument naming the variable and `where` it was used; values never
 * appear in messages.
 */
export function interpolateEnv(text: string, env: Environment, where: string): string {
  return text.replace(REFERENCE, (match, body: string | undefined) => {
    if (match === "$${") return "${";
    if (!match.endsWith("}") || body === undefined) {
      throw new SwitchyardError("InvalidArgument", `unterminated "\${" in ${where} — close it with "}"`);
    }
    const split = body.indexOf(":-");
    const name = split === -1 ? body : body.slice(0, split);
    if (!NAME.test(name)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `"\${${body}}" in ${where} is not a variable reference — use \${NAME} or \${NAME:-default}`,
      );
    }
    const value = env[name];
    if (split !== -1) return value === undefined || value === "" ? body.slice(split + 2) : value;
    if (value === undefined) {
      throw new SwitchyardError(
        "InvalidArgument",
        `environment variable ${name} is not set (used by ${where}) — set it, or write \${${name}:-default}`,
      );
    }
    return value;
  });
}
