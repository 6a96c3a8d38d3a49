/**
 * The files a pipeline step runs, taken from the pipeline run's snapshot (never from the user's
 * folder, which may have changed since): a recipe step gets a snapshot of its own (content-
 * addressed, so a restarted driver makes the same one); a step that is a pipeline shares its
 * parent's snapshot, its entry the inner pipeline's file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StepRecipe } from '../../domain/pipeline/model.js';
import { writeSnapshot } from './snapshot.js';

export interface StepSource {
  readonly recipePath: string;
  readonly recipeHash: string;
  readonly recipeEntry: string;
}

export function stepSource(
  recipesDir: string,
  pipelineRun: { readonly recipePath: string; readonly recipeHash: string },
  /** The pipeline's file, relative to the top pipeline's folder. */
  pipelineFile: string,
  recipe: StepRecipe,
): StepSource {
  const folder = path.join(recipesDir, pipelineRun.recipeHash);
  const own = path.join(...pipelineFile.split('/'));
  const origin = pipelineRun.recipePath.endsWith(path.sep + own)
    ? pipelineRun.recipePath.slice(0, -(own.length + 1))
    : path.dirname(pipelineRun.recipePath);
  const rel = path.join(...recipe.file.split('/'));
  const recipePath = path.join(origin, rel);
  if (recipe.kind === 'pipeline')
    return { recipePath, recipeHash: pipelineRun.recipeHash, recipeEntry: path.join(folder, rel) };
  const file = path.join(folder, rel);
  const snapshot = writeSnapshot(recipesDir, {
    file,
    text: readFileSync(file, 'utf8'),
    subRecipePaths: recipe.subRecipes,
  });
  return { recipePath, recipeHash: snapshot.hash, recipeEntry: snapshot.entry };
}
