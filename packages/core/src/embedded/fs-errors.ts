import { SwitchyardError, isAbort } from "../errors.js";
import type { ErrorCode } from "../errors.js";

/** Portable codes for the file-system errors embedded drivers meet. */
const FS_CODES: Record<string, ErrorCode> = {
  ENOENT: "NotFound",
  ENOTDIR: "NotFound",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
  EROFS: "PermissionDenied",
  EISDIR: "InvalidArgument",
  ENOSPC: "ResourceExhausted",
  EDQUOT: "ResourceExhausted",
  EMFILE: "ResourceExhausted",
  EAGAIN: "Unavailable",
  EIO: "Unavailable",
};

/** Classifies a file-system error (or any other thrown value) into a portable code. */
export function fsErrorCode(err: unknown): ErrorCode {
  if (err instanceof SwitchyardError) return err.code;
  if (isAbort(err)) return "Canceled";
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === "string" ? FS_CODES[code] : undefined) ?? "Unknown";
}
