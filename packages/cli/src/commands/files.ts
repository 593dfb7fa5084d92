import { statSync } from 'node:fs';
import { UsageError } from './args.js';

/** `path` if it names a readable regular file; otherwise a usage error saying what it is. */
export function readableFile(path: string, what: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `no such ${what} file: ${path}`
        : `cannot read ${what} file ${path} (${code ?? 'error'})`,
    );
  }
  if (st.isDirectory()) throw new UsageError(`${what} file ${path} is a directory`);
  if (!st.isFile()) throw new UsageError(`${what} file ${path} is not a regular file`);
  return path;
}
