/**
 * What a template may say and ship, and where its copy may go: the manifest's checks, the
 * folder's bounds (no link out), and a copy that never writes through a link or over a folder.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTemplate, templateNames } from '../../src/adapters/templates/catalogue.js';
import { applyCopy, planCopy } from '../../src/adapters/templates/copy.js';
import { entryKind, parseManifest } from '../../src/domain/template/manifest.js';
import { resolveConfig } from '../../src/config.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'goose-flow-template-files-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const MANIFEST = {
  name: 'nightly',
  title: 'Nightly',
  description: 'runs at night',
  entry: 'nightly.yaml',
  schedule: { cron: '0 2 * * *', description: 'at 02:00' },
};

describe('the manifest', () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown field', { ...MANIFEST, owner: 'me' }, /field 'owner': unknown field/],
    ['another name than its folder', { ...MANIFEST, name: 'daily' }, /must be the folder's name/],
    ['a name out of the alphabet', { ...MANIFEST, name: 'Nightly' }, /field 'name'/],
    ['an entry out of the folder', { ...MANIFEST, entry: '../x.yaml' }, /field 'entry'/],
    ['an entry that is no recipe file', { ...MANIFEST, entry: 'run.sh' }, /field 'entry'/],
    [
      'a 6-field cron',
      { ...MANIFEST, schedule: { cron: '0 0 2 * * *', description: 'x' } },
      /schedule.cron': '0 0 2 \* \* \*' has 6 fields; a suggested cron has 5/,
    ],
    [
      'a cron that never fires',
      { ...MANIFEST, schedule: { cron: '0 0 30 2 *', description: 'x' } },
      /schedule.cron': '0 0 30 2 \*' never fires/,
    ],
    [
      'a cron out of range',
      { ...MANIFEST, schedule: { cron: '61 2 * * *', description: 'x' } },
      /schedule.cron': .*61 is out of range/,
    ],
  ];
  for (const [what, doc, message] of refused)
    it(`refuses ${what}, naming the file and the field`, () => {
      expect(() => parseManifest(doc, 'nightly/template.yaml', 'nightly')).toThrow(message);
    });

  it('takes a well-formed one; a pipeline is known by its steps', () => {
    expect(parseManifest(MANIFEST, 'f', 'nightly')).toEqual({ ...MANIFEST, tags: [] });
    expect(entryKind({ steps: [] })).toBe('pipeline');
    expect(entryKind({ title: 't', prompt: 'p' })).toBe('recipe');
  });
});

function template(name: string, files: Record<string, string>) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'recipes'), { recursive: true });
  const manifest = `name: ${name}\ntitle: T\ndescription: D\nentry: ${name}.yaml\nschedule:\n  cron: "0 2 * * *"\n  description: at two\n`;
  writeFileSync(join(dir, 'template.yaml'), manifest);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

describe('a template folder', () => {
  it('ships its recipes and notes, entry first; not hidden files or other kinds', () => {
    template('nightly', {
      'nightly.yaml': 'steps: []\nparameters: []\n',
      'recipes/a.yaml': 'x',
      'README.md': 'r',
      '.secret.yaml': 's',
      'run.sh': 'echo',
    });
    const t = loadTemplate(root, 'nightly')!;
    expect(t.files.map((f) => f.path)).toEqual(['nightly.yaml', 'README.md', 'recipes/a.yaml']);
    expect(t.kind).toBe('pipeline');
    expect(loadTemplate(root, 'missing')).toBeNull();
    expect(loadTemplate(root, '../nightly')).toBeNull();
    expect(templateNames(join(root, 'nowhere'))).toEqual([]);
  });

  it('follows a link that stays inside; refuses one that leads out', () => {
    const dir = template('linked', { 'real.yaml': 'title: t\nprompt: p\n' });
    symlinkSync(join(dir, 'real.yaml'), join(dir, 'linked.yaml'));
    expect(loadTemplate(root, 'linked')!.files[0]!.content).toBe('title: t\nprompt: p\n');
    writeFileSync(join(root, 'outside.yaml'), 'secret');
    symlinkSync(join(root, 'outside.yaml'), join(dir, 'recipes', 'out.yaml'));
    expect(() => loadTemplate(root, 'linked')).toThrow(
      /out.yaml is a symbolic link that does not lead/,
    );
  });
});

describe('the copy', () => {
  const files = [
    { path: 'a.yaml', content: 'A\n' },
    { path: 'recipes/b.yaml', content: 'B\n' },
  ];

  it('creates, leaves what is the same, keeps what differs unless forced', () => {
    const dir = join(root, 'out');
    applyCopy(planCopy(dir, files, false));
    expect(readFileSync(join(dir, 'recipes/b.yaml'), 'utf8')).toBe('B\n');
    expect(planCopy(dir, files, false).map((p) => p.status)).toEqual(['unchanged', 'unchanged']);
    writeFileSync(join(dir, 'a.yaml'), 'mine\n');
    expect(() => planCopy(dir, files, false)).toThrow(/1 file\(s\) already there differ/);
    expect(planCopy(dir, files, true).map((p) => p.status)).toEqual(['overwritten', 'unchanged']);
  });

  it('never writes through a link or over a folder, forced or not; the directory may be a link', () => {
    const dir = join(root, 'out');
    mkdirSync(join(dir, 'recipes'), { recursive: true });
    writeFileSync(join(root, 'victim'), 'keep');
    symlinkSync(join(root, 'victim'), join(dir, 'a.yaml'));
    expect(() => planCopy(dir, files, true)).toThrow(/a.yaml is a symbolic link/);
    rmSync(join(dir, 'a.yaml'));
    mkdirSync(join(dir, 'a.yaml'));
    expect(() => planCopy(dir, files, true)).toThrow(/a.yaml is a directory/);
    rmSync(join(dir, 'recipes'), { recursive: true });
    symlinkSync(root, join(dir, 'recipes'));
    rmSync(join(dir, 'a.yaml'), { recursive: true });
    expect(() => planCopy(dir, files, true)).toThrow(/recipes is a symbolic link/);
    expect(readFileSync(join(root, 'victim'), 'utf8')).toBe('keep');
    writeFileSync(join(root, 'file'), '');
    expect(() => planCopy(join(root, 'file'), files, false)).toThrow(/is a file, not a directory/);
    const linkedDir = join(root, 'via-link');
    symlinkSync(join(root, 'target'), linkedDir);
    mkdirSync(join(root, 'target'));
    applyCopy(planCopy(linkedDir, files, false));
    expect(existsSync(join(root, 'target', 'recipes', 'b.yaml'))).toBe(true);
  });
});

describe('where your templates are', () => {
  it('GOOSE_FLOW_TEMPLATES_DIR, else templates.dir of config.yaml (from the data dir), else <data dir>/templates', () => {
    const dataDir = join(root, 'data');
    expect(resolveConfig({ dataDir }, {}).templatesDir).toBe(join(dataDir, 'templates'));
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.yaml'), 'templates:\n  dir: mine\n');
    expect(resolveConfig({ dataDir }, {}).templatesDir).toBe(join(dataDir, 'mine'));
    const env = { GOOSE_FLOW_TEMPLATES_DIR: join(root, 'elsewhere') };
    expect(resolveConfig({ dataDir }, env).templatesDir).toBe(join(root, 'elsewhere'));
    writeFileSync(join(dataDir, 'config.yaml'), 'templates:\n  folder: mine\n');
    expect(() => resolveConfig({ dataDir }, {})).toThrow(/templates/);
  });
});
