/**
 * The thread a daemon checks recipes on: a recipe is a file anyone may have written, and parsing
 * a large or tangled one takes the better part of a second — time the scheduler and the HTTP
 * faces must not wait. One request at a time; the answer (or the error, as plain data) goes back.
 */
import { parentPort } from 'node:worker_threads';
import { GooseFlowError } from '../../domain/errors.js';
import { RecipeFileCache, type LoadRecipeOptions } from './recipe-file.js';
import { loadSourceFile } from './pipeline-file.js';

export interface CheckRequest {
  readonly id: number;
  readonly file: string;
  readonly options: LoadRecipeOptions;
}

export type CheckAnswer =
  | { readonly id: number; readonly loaded: unknown }
  | {
      readonly id: number;
      readonly error: {
        readonly code: string;
        readonly kind: string;
        readonly message: string;
        readonly details: Record<string, unknown>;
      };
    };

const cache = new RecipeFileCache(64, loadSourceFile);

parentPort?.on('message', (request: CheckRequest) => {
  let answer: CheckAnswer;
  try {
    answer = { id: request.id, loaded: cache.load(request.file, request.options) };
  } catch (err) {
    const known = err instanceof GooseFlowError;
    answer = {
      id: request.id,
      error: {
        code: known ? err.code : 'internal',
        kind: known ? err.kind : 'environment',
        message: (err as Error).message,
        details: known ? err.details : {},
      },
    };
  }
  parentPort?.postMessage(answer);
});
