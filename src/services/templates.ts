/**
 * Workflow templates: the built-in catalogue and the user's own templates directory (a user
 * template shadows a built-in one of the same name). `use` copies a template's files into a
 * directory, validates the entry with the parameters given, and can schedule it.
 */
import { join, resolve } from 'node:path';
import {
  loadTemplate,
  templateNames,
  type TemplateFile,
  type TemplateFolder,
} from '../adapters/templates/catalogue.js';
import { applyCopy, planCopy, type CopyStatus } from '../adapters/templates/copy.js';
import { ConflictError, GooseFlowError, NotFoundError, UsageError } from '../domain/errors.js';
import type { Parameter } from '../domain/recipe/model.js';
import type { Schedule } from '../domain/schedule/model.js';
import { defaultDraft, type ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import { TEMPLATE_NAME, type TemplateKind } from '../domain/template/manifest.js';
import type { RecipeReport, RecipeService } from './recipes.js';
import type { ScheduleService } from './schedules.js';

export type TemplateSource = 'builtin' | 'user';

export interface TemplateSummary {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly kind: TemplateKind;
  readonly entry: string;
  readonly schedule: { readonly cron: string; readonly description: string };
  readonly tags: readonly string[];
  readonly source: TemplateSource;
  /** The template's folder. */
  readonly dir: string;
  /** E.g. that a user template shadows the built-in one of its name. */
  readonly note: string | null;
}

export interface TemplateDetail extends TemplateSummary {
  /** The entry's declared parameters: what `use` takes as params. */
  readonly parameters: readonly Parameter[];
  /** The entry first. */
  readonly files: readonly TemplateFile[];
}

export interface TemplateListing {
  readonly templates: readonly TemplateSummary[];
  /** Template folders that could not be read, and why (the others are listed). */
  readonly problems: readonly { name: string; source: TemplateSource; message: string }[];
}

export interface TemplateUseOptions {
  /** Where the files go; default `./<name>`, relative to `baseDir`. */
  readonly dir?: string | undefined;
  readonly baseDir?: string | undefined;
  readonly params?: Readonly<Record<string, string>> | undefined;
  /** Overwrite files that are there with other content. */
  readonly force?: boolean | undefined;
  /** Create a schedule: id default the template's name, cron default the suggested one. */
  readonly schedule?:
    | { id?: string | undefined; cron?: string | undefined; timezone?: string | undefined }
    | null
    | undefined;
}

export interface TemplateUse {
  readonly template: TemplateSummary;
  readonly dir: string;
  /** The entry as written (absolute). */
  readonly entry: string;
  readonly files: readonly { path: string; status: CopyStatus }[];
  /** The entry's verdict with the params given. */
  readonly report: RecipeReport;
  readonly schedule: Schedule | null;
  /** Why no schedule was created although one was asked for. */
  readonly scheduleSkipped: string | null;
}

export interface TemplateServiceDeps {
  /** The catalogue shipped with goose-flow. */
  readonly builtinDir: string;
  /** The user's templates (GOOSE_FLOW_TEMPLATES_DIR); may not exist. */
  readonly userDir: string;
  readonly recipes: RecipeService;
  readonly schedules: ScheduleService;
}

export class TemplateService {
  constructor(private readonly deps: TemplateServiceDeps) {}

  list(): TemplateListing {
    const problems: { name: string; source: TemplateSource; message: string }[] = [];
    const read = (source: TemplateSource) =>
      this.sources(source).flatMap((name) => {
        try {
          const found = this.load(source, name);
          return found ? [found] : [];
        } catch (err) {
          if (!(err instanceof GooseFlowError)) throw err;
          problems.push({ name, source, message: err.message });
          return [];
        }
      });
    const user = read('user');
    const shadowed = new Set(user.map((t) => t.summary.name));
    const builtin = read('builtin').filter((t) => !shadowed.has(t.summary.name));
    const builtinNames = new Set(templateNames(this.deps.builtinDir));
    const templates = [...builtin, ...user.map((t) => this.shadowNote(t, builtinNames))]
      .map((t) => t.summary)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { templates, problems };
  }

  async show(name: string): Promise<TemplateDetail> {
    const { folder, summary } = this.find(name);
    return { ...summary, parameters: await this.parametersOf(folder), files: folder.files };
  }

  async use(name: string, options: TemplateUseOptions = {}): Promise<TemplateUse> {
    const { folder, summary } = this.find(name);
    const dir = resolve(options.baseDir ?? process.cwd(), options.dir ?? name);
    const params = { ...(options.params ?? {}) };
    const entry = join(dir, ...folder.manifest.entry.split('/'));
    // Everything that can be refused is refused before the first file is written.
    const planned = planCopy(dir, folder.files, options.force ?? false);
    const draft = options.schedule ? this.draftOf(summary, entry, params, options.schedule) : null;
    if (draft) await this.checkSchedule(draft);
    applyCopy(planned);
    const report = await this.deps.recipes.validateChecked(entry, params);
    const files = planned.map((p) => ({ path: p.path, status: p.status }));
    const skipped = draft ? skipReason(report) : null;
    const schedule = draft && !skipped ? await this.deps.schedules.add(draft) : null;
    return { template: summary, dir, entry, files, report, schedule, scheduleSkipped: skipped };
  }

  private find(name: string): { folder: TemplateFolder; summary: TemplateSummary } {
    if (!TEMPLATE_NAME.test(name))
      throw new UsageError(
        `'${name}' is not a template name: lowercase letters, digits and -, starting with a letter`,
        { field: 'name' },
      );
    const user = this.load('user', name);
    if (user) return this.shadowNote(user, new Set(templateNames(this.deps.builtinDir)));
    const builtin = this.load('builtin', name);
    if (!builtin) throw new NotFoundError('template', name);
    return builtin;
  }

  private sources(source: TemplateSource): string[] {
    if (source === 'user' && resolve(this.deps.userDir) === resolve(this.deps.builtinDir))
      return [];
    return templateNames(source === 'user' ? this.deps.userDir : this.deps.builtinDir);
  }

  private load(source: TemplateSource, name: string) {
    const root = source === 'user' ? this.deps.userDir : this.deps.builtinDir;
    const folder = loadTemplate(root, name);
    if (!folder) return null;
    const { manifest } = folder;
    const summary: TemplateSummary = {
      name: manifest.name,
      title: manifest.title,
      description: manifest.description,
      kind: folder.kind,
      entry: manifest.entry,
      schedule: manifest.schedule,
      tags: manifest.tags,
      source,
      dir: folder.dir,
      note: null,
    };
    return { folder, summary };
  }

  private shadowNote<T extends { summary: TemplateSummary }>(t: T, builtin: Set<string>): T {
    if (!builtin.has(t.summary.name)) return t;
    const note = `shadows the built-in template '${t.summary.name}' (from ${this.deps.userDir})`;
    return { ...t, summary: { ...t.summary, note } };
  }

  /**
   * The parameters the validated entry declares; when the check gives none (a broken entry, or a
   * pipeline where the check reports a recipe's parameters only), those its file declares
   * well-formed — the same declarations, read without the rest of the check.
   */
  private async parametersOf(folder: TemplateFolder): Promise<readonly Parameter[]> {
    const entry = join(folder.dir, ...folder.manifest.entry.split('/'));
    const inspected = await this.deps.recipes.inspectChecked(entry, {});
    return inspected.parameters.length > 0 ? inspected.parameters : folder.declared;
  }

  private draftOf(
    template: TemplateSummary,
    entry: string,
    params: Record<string, string>,
    options: NonNullable<TemplateUseOptions['schedule']>,
  ): ScheduleDraft {
    const id = options.id ?? template.name;
    const draft = defaultDraft(id, options.cron ?? template.schedule.cron, entry);
    return { ...draft, timezone: options.timezone ?? null, params };
  }

  /** The schedule's id is free and its spec fires: checked before any file is written. */
  private async checkSchedule(draft: ScheduleDraft): Promise<void> {
    const taken = await this.deps.schedules.get(draft.id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof NotFoundError) return false;
        throw err;
      },
    );
    if (taken)
      throw new ConflictError(
        'duplicate_schedule',
        `a schedule with id '${draft.id}' already exists: give the new one another id`,
        { id: draft.id, field: 'schedule.id' },
      );
    const preview = await this.deps.schedules.preview(
      { ...draft, recipePath: '' },
      { checkId: true },
    );
    const first = preview.errors[0];
    if (first) {
      const field = first.field === 'expression' ? 'cron' : first.field;
      throw new UsageError(`schedule ${field}: ${first.message}`, { field: `schedule.${field}` });
    }
  }
}

function skipReason(report: RecipeReport): string | null {
  if (!report.valid)
    return `${report.file} is not valid (${report.errors.length} error(s)): no schedule was created`;
  if (!report.headless.ok)
    return `${report.file} cannot run headless (${report.headless.reasons.join('; ')}): no schedule was created`;
  return null;
}
