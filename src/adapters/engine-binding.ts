/**
 * Which engine a data dir belongs to. It is recorded once, as `engine:` in the data dir's
 * `config.yaml` (comments and other keys kept), so every command on the data dir uses it without
 * being told; another engine is reached only through `goose-flow engine move`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, parseDocument } from 'yaml';
import type { EngineKind } from '../domain/config.js';
import { UsageError } from '../domain/errors.js';
import { embeddedState } from './sqlite/database.js';

export interface EngineChoice {
  readonly engine: EngineKind;
  /** True when the choice is new and must be recorded in config.yaml when the data dir opens. */
  readonly record: boolean;
}

/**
 * The engine of a data dir: the one recorded in its config.yaml; else the one asked for (flag or
 * GOOSE_FLOW_ENGINE), recorded from then on; else embedded. Asking for another engine than the
 * recorded one, or for Temporal on a data dir that already holds embedded schedules or runs, is
 * refused: that used to hide the data of the other engine without a word.
 */
export function chooseEngine(
  dataDir: string,
  recorded: EngineKind | undefined,
  requested: { engine: EngineKind; by: string } | undefined,
  configFile: string,
): EngineChoice {
  if (recorded) {
    if (requested && requested.engine !== recorded)
      throw new UsageError(
        `the data dir ${dataDir} belongs to the ${recorded} engine (${configFile}: engine: ${recorded}), ` +
          `but ${requested.by} asks for ${requested.engine}: drop ${requested.by}, or move the data dir ` +
          `with \`goose-flow engine move ${requested.engine}\` (it carries the schedules over)`,
        { field: 'engine', recorded, requested: requested.engine },
      );
    return { engine: recorded, record: false };
  }
  if (requested?.engine === 'temporal') {
    const held = embeddedState(join(dataDir, 'goose-flow.db'));
    if (held.schedules > 0 || held.runs > 0)
      throw new UsageError(
        `the data dir ${dataDir} holds ${held.schedules} schedule(s) and ${held.runs} run(s) of the embedded engine, ` +
          `which ${requested.by} would hide: move them with \`goose-flow engine move temporal\`, ` +
          'or use another --data-dir for Temporal',
        { field: 'engine', schedules: held.schedules, runs: held.runs },
      );
    return { engine: 'temporal', record: true };
  }
  if (requested?.engine === 'embedded') return { engine: 'embedded', record: false };
  // A data dir an older goose-flow used with `serve --engine temporal`, before choices were recorded.
  if (existsSync(join(dataDir, 'temporal.db'))) {
    const held = embeddedState(join(dataDir, 'goose-flow.db'));
    if (held.schedules === 0 && held.runs === 0) return { engine: 'temporal', record: true };
  }
  return { engine: 'embedded', record: false };
}

/** Writes `engine: <engine>` into config.yaml, keeping everything else in it (owner-only file). */
export function recordEngine(configFile: string, engine: EngineKind): void {
  const text = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  let doc: Document;
  if (text.trim() === '') {
    doc = new Document({ engine });
    doc.commentBefore =
      ' goose-flow settings for this data dir (docs/configuration.md). `engine` is set once\n' +
      ' and changed only by `goose-flow engine move`.';
  } else {
    doc = parseDocument(text);
    doc.set('engine', engine);
  }
  // Beside, then renamed: a crash never leaves half a config file.
  const staging = `${configFile}.${process.pid}.tmp`;
  writeFileSync(staging, doc.toString(), { mode: 0o600 });
  renameSync(staging, configFile);
}
