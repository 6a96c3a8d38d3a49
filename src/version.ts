import { readFileSync } from 'node:fs';

/** goose-flow's version, as its package.json says (one folder above `dist/`, also when installed). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
