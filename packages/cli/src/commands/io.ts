/** Where a command writes: results on `out` (stdout), diagnostics and progress on `err` (stderr). One call, one line. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
