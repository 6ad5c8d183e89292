/**
 * I/O failures and bugs throw subclasses of MeshgateError with a stable
 * `code`; expected failures (bad packets, bad frames) are values instead.
 */
export class MeshgateError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class ConfigError extends MeshgateError {
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super("E_CONFIG", message);
    this.problems = problems;
  }
}

export class TimeoutError extends MeshgateError {
  constructor(message: string) {
    super("E_TIMEOUT", message);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
