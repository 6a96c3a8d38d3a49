/** What the REST routes share: response/error/body helpers and input guards. */
import { extname } from 'node:path';
import { z } from '@hono/zod-openapi';
import { UsageError } from '../../domain/errors.js';
import * as S from './schemas.js';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
export const errors = {
  400: json(S.ErrorBody, 'the request is malformed or invalid'),
  401: json(S.ErrorBody, 'a bearer token is required'),
  404: json(S.ErrorBody, 'not found'),
  409: json(S.ErrorBody, 'conflicts with the current state'),
};
/** The errors of a route that takes a JSON body. */
export const bodyErrors = {
  ...errors,
  415: json(S.ErrorBody, 'the body is not sent as application/json'),
};
export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
export const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

/** Recipes are read from the server's disk: only recipe files, never anything else. */
export function recipePath(path: string): string {
  if (!['.yaml', '.yml', '.json'].includes(extname(path).toLowerCase())) {
    throw new UsageError(`field 'recipe': '${path}' is not a recipe file (.yaml, .yml or .json)`, {
      field: 'recipe',
    });
  }
  return path;
}
