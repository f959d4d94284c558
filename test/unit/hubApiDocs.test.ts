import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';

/**
 * `/api/docs`: the OpenAPI document the hub makes from its routes' zod schemas. Every route the
 * hub serves is in it, with a summary and what it answers; every operation in it is a route
 * the hub answers (a real request to each, parameters filled in, never "no such route").
 */

const ADMIN = 'api-docs-admin-token';
let hub: RunningHub;

interface Operation {
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  security?: Record<string, string[]>[];
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

let doc: OpenApi;
/** `METHOD /path/{param}` of every documented operation. */
let documented: Set<string>;

/** Fastify's `/api/screens/:id` as OpenAPI's `/api/screens/{id}`. */
const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Routes that are not the API: the documentation's own pages and files. */
const notApi = (url: string): boolean => url === '/api/docs' || url.startsWith('/api/docs/');

beforeAll(async () => {
  hub = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  const response = await fetch(new URL('/api/docs/json', hub.url));
  expect(response.status).toBe(200);
  doc = (await response.json()) as OpenApi;
  documented = new Set(Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)));
});
afterAll(async () => {
  await hub?.close();
});

describe('/api/docs', () => {
  it('serves an OpenAPI 3.1 document and a page that reads it', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Antichambre hub API');
    // Valid against the OpenAPI 3.1 specification's own JSON schema.
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const { info: _info, ...withoutInfo } = doc;
    expect((await new Validator().validate(structuredClone(withoutInfo) as unknown as Record<string, unknown>)).valid).toBe(false);
    const page = await fetch(new URL('/api/docs', hub.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // Its script and styles come from the hub itself (a town hall's network may have no way out).
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((url) => /\.(js|css)$/.test(url));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^https?:/);
      const response = await fetch(new URL(asset, `${hub.url}/api/docs/`));
      // Read to the end: a body left unread holds its connection open, and the hub's close waits for it.
      expect([response.status, (await response.arrayBuffer()).byteLength > 0]).toEqual([200, true]);
    }
  });

  it('documents every route the hub serves, each with a summary, its parameters, its body and its answers', () => {
    const served = hub.routes.filter((route) => route.method !== 'HEAD' && !notApi(route.url));
    expect(served.length).toBeGreaterThan(20);
    const missing = served.map((route) => `${route.method} ${openApiPath(route.url)}`).filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!operation.summary) problems.push(`${where}: no summary`);
        for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!)) {
          if (!operation.parameters?.some((parameter) => parameter.in === 'path' && parameter.name === name)) problems.push(`${where}: path parameter ${name} not described`);
        }
        const answers = Object.entries(operation.responses ?? {}).filter(([status]) => /^[23]/.test(status)); // 2xx, or a redirect (single sign-on's start)
        if (answers.length === 0) problems.push(`${where}: no success answer described`);
        if (!Object.keys(operation.responses ?? {}).some((status) => /^[45]/.test(status))) problems.push(`${where}: no error answer described`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes request bodies from the schemas the routes parse them with', () => {
    const body = (method: string, path: string) => doc.paths[path]?.[method]?.requestBody?.content['application/json'] as { schema: { properties?: Record<string, unknown>; required?: string[] } } | undefined;
    expect(body('post', '/api/screens')?.schema.required).toEqual(['id', 'name', 'site', 'timezone']);
    expect(Object.keys(body('post', '/api/alerts')?.schema.properties ?? {})).toEqual(['id', 'level', 'text', 'until', 'target']);
    expect(Object.keys(body('post', '/api/sites/{id}/queue')?.schema.properties ?? {})).toEqual(['events']);
    const impressions = doc.paths['/api/impressions']?.['get']?.parameters?.map((parameter) => `${parameter.in} ${parameter.name}`);
    expect(impressions).toEqual(expect.arrayContaining(['query since', 'query until', 'query screen', 'query limit', 'query format']));
  });

  it('has no operation the hub does not answer', async () => {
    const unknown: string[] = [];
    for (const key of documented) {
      const [method, path] = key.split(' ') as [string, string];
      const url = path.replace(/\{sha256\}/g, 'a'.repeat(64)).replace(/\{code\}/g, 'ABCDEF').replace(/\{[^}]+\}/g, 'docs-test');
      const sendsBody = method === 'POST' || method === 'PUT';
      const response = await fetch(new URL(url, hub.url), {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, ...(sendsBody ? { 'content-type': 'application/json' } : {}) },
        // An empty object: refused by the route's schema, so that nothing is created.
        ...(sendsBody ? { body: '{}' } : {}),
      });
      const text = await response.text();
      if (response.status === 404 && text.includes('no such route')) unknown.push(key);
    }
    expect(unknown).toEqual([]);
    expect(documented.size).toBeGreaterThan(20);
  });
});
