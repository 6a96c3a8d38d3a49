/**
 * Checks responses against the OpenAPI document the server publishes (not against our own zod
 * schemas): what a generated client or a fuzzer sees is what is tested.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

interface Doc {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components?: unknown;
}

export class PublishedApi {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly routes: { template: string; pattern: RegExp }[];

  private constructor(private readonly doc: Doc) {
    addFormats.default(this.ajv);
    this.routes = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** From a document already fetched (an in-process `web.request`). */
  static of(doc: unknown): PublishedApi {
    return new PublishedApi(doc as Doc);
  }

  static async load(base: string, headers: Record<string, string> = {}): Promise<PublishedApi> {
    const r = await fetch(`${base}/openapi.json`, { headers });
    if (!r.ok) throw new Error(`GET ${base}/openapi.json: ${r.status}`);
    return new PublishedApi((await r.json()) as Doc);
  }

  /** Errors of `body` against the documented JSON response of `method path` with `status`; [] if it conforms. */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const bare = path.split('?')[0]!;
    const route = this.routes.find((r) => r.pattern.test(bare));
    // A route the document does not have (a 404 for /nowhere) has nothing to conform to.
    if (!route) return status === 404 ? [] : [`${method} ${bare} is not in the published document`];
    const key = `${method.toLowerCase()} ${route.template} ${status}`;
    let validate: ValidateFunction | null | undefined = this.compiled.get(key);
    if (validate === undefined) {
      const response = this.doc.paths[route.template]?.[method.toLowerCase()]?.responses?.[
        String(status)
      ] as { content?: Record<string, { schema?: object }> } | undefined;
      if (!response) return [`${key}: no such response is documented`];
      const schema = response.content?.['application/json']?.schema;
      validate = schema ? this.ajv.compile({ ...schema, components: this.doc.components }) : null;
      this.compiled.set(key, validate);
    }
    if (validate === null) return [];
    const conforms = validate(body);
    return conforms
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
  }
}
