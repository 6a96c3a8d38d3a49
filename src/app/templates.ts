/** The template catalogue of an app: the one shipped beside the code, and the user's directory. */
import { fileURLToPath } from 'node:url';
import type { Config } from '../domain/config.js';
import type { RecipeService } from '../services/recipes.js';
import type { ScheduleService } from '../services/schedules.js';
import { TemplateService } from '../services/templates.js';

/**
 * `templates/` at the package root: two levels above this module, whether it runs compiled
 * (dist/app/) or from the sources (src/app/, in tests).
 */
export function builtinTemplatesDir(): string {
  return fileURLToPath(new URL('../../templates', import.meta.url));
}

export function templateService(
  config: Config,
  recipes: RecipeService,
  schedules: ScheduleService,
): TemplateService {
  return new TemplateService({
    builtinDir: builtinTemplatesDir(),
    userDir: config.templatesDir,
    recipes,
    schedules,
  });
}
