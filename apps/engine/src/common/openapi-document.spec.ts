import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { lastValueFrom, of } from 'rxjs';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { registeredRoutes } from '../test-support/registered-routes';
import { ZodResponse } from './api-contract';
import { ResponseContractError, ResponseContractInterceptor } from './response-contract.interceptor';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON Schema that says something (not `{}`, which any value matches). */
function describesSomething(schema: unknown): boolean {
  return isJsonObject(schema) && Object.keys(schema).length > 0;
}

describe('the OpenAPI document', () => {
  let h: EngineHarness;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    h = await startEngineHarness();
    const response = await h.anonymous.get('/api/docs/openapi.json');
    expect(response.status).toBe(200);
    document = obj(response.body);
  });
  afterAll(async () => {
    await h.close();
  });

  function operation(method: string, path: string): Record<string, unknown> {
    return obj(obj(obj(document['paths'])[path])[method]);
  }

  it('opens without a session and says how to authenticate', async () => {
    expect((await h.anonymous.get('/api/docs')).status).toBe(200);
    expect(document['openapi']).toBe('3.1.0');
    const description = str(obj(document['info'])['description']);
    for (const way of ['parley_session', 'Authorization: Bearer', 'X-Api-Key']) expect(description).toContain(way);
    const schemes = obj(obj(document['components'])['securitySchemes']);
    expect(schemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
    });
  });

  it('lists every registered route with its path parameters, body and answers, each with a schema', () => {
    const routes = registeredRoutes(h.app).filter((r) => !r.startsWith('GET /api/docs') && !r.endsWith(' /{*path}'));
    expect(routes.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const route of routes) {
      const [method = '', path = ''] = route.split(' ');
      const documented = obj(document['paths'])[path.replace(/:([A-Za-z]+)/g, '{$1}')];
      const op = isJsonObject(documented) ? documented[method.toLowerCase()] : undefined;
      if (!isJsonObject(op)) {
        problems.push(`${route}: not in the document`);
        continue;
      }
      const parameters = Array.isArray(op['parameters']) ? op['parameters'].filter(isJsonObject) : [];
      for (const name of [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])) {
        const parameter = parameters.find((p) => p['in'] === 'path' && p['name'] === name);
        if (!parameter || !describesSomething(parameter['schema'])) problems.push(`${route}: path parameter ${name} has no schema`);
      }
      for (const parameter of parameters) {
        if (!describesSomething(parameter['schema'])) problems.push(`${route}: parameter ${String(parameter['name'])} has no schema`);
      }
      const body = op['requestBody'];
      // A body is JSON with a schema, or a file (an upload) described as binary.
      const bodyContent = body === undefined ? {} : obj(obj(body)['content']);
      const bodySchema = bodyContent['application/json'] ?? Object.values(bodyContent)[0];
      if (body !== undefined && !describesSomething(obj(bodySchema)['schema'])) {
        problems.push(`${route}: body without a schema`);
      }
      const responses = obj(op['responses']);
      const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
      if (success.length !== 1) problems.push(`${route}: ${success.length} success answers`);
      for (const [status, answer] of Object.entries(responses)) {
        if (status === '204') continue;
        // JSON with a schema, or another content type (an event stream, a file) described by its type.
        const content = obj(obj(answer)['content']);
        const schema = obj(content['application/json'] ?? Object.values(content)[0])['schema'];
        if (!describesSomething(schema)) problems.push(`${route}: answer ${status} has no schema`);
      }
      if (!('400' in responses)) problems.push(`${route}: no 400 answer`);
    }
    expect(problems).toEqual([]);
    // Every document path is a route (nothing documented that does not exist).
    const listed = new Set(routes.map((r) => r.toLowerCase().replace(/:([a-z]+)/gi, '{$1}')));
    for (const [path, item] of Object.entries(obj(document['paths']))) {
      for (const method of Object.keys(obj(item)).filter((m) => METHODS.includes(m))) {
        expect({ documented: `${method} ${path}`, exists: listed.has(`${method} ${path.toLowerCase()}`) }).toEqual({
          documented: `${method} ${path}`,
          exists: true,
        });
      }
    }
  });

  it('documents query parameters and bodies from the schemas that validate them', () => {
    const executions = arr(operation('get', '/api/executions')['parameters']).map(obj);
    expect(executions.map((p) => p['name'])).toEqual(
      expect.arrayContaining(['flowId', 'flowVersionId', 'contactId', 'status', 'errorCode', 'from', 'to', 'limit', 'cursor']),
    );
    expect(executions.find((p) => p['name'] === 'status')).toMatchObject({
      in: 'query',
      required: false,
      // Several statuses may be asked at once (the admin explorer), so the schema is a described comma list.
      schema: expect.objectContaining({ description: expect.stringContaining('status') }),
    });
    expect(arr(operation('get', '/api/contacts')['parameters']).map(obj)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'search', in: 'query', schema: expect.objectContaining({ maxLength: 100 }) }),
      ]),
    );
    const createFlow = obj(obj(obj(operation('post', '/api/flows')['requestBody'])['content'])['application/json'])['schema'];
    expect(createFlow).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', maxLength: 200 },
        // The flow document flow-core enforces, not an opaque value.
        definition: { type: 'object', properties: { nodes: { type: 'array' }, edges: { type: 'array' } } },
      },
    });
    const patch = obj(obj(obj(operation('patch', '/api/workspace/settings')['requestBody'])['content'])['application/json'])['schema'];
    expect(obj(patch)['required']).toBeUndefined();
    const put = obj(obj(obj(operation('put', '/api/workspace/settings')['requestBody'])['content'])['application/json'])['schema'];
    expect(obj(put)['required']).toEqual(expect.arrayContaining(['timeZone', 'takeoverHours', 'messaging']));
    expect(obj(operation('get', '/api/flows/{id}')['responses'])['200']).toMatchObject({
      content: { 'application/json': { schema: { properties: { id: { format: 'uuid' }, revision: { type: 'integer' } } } } },
    });
  });

  it('says which routes need a session, which take an API key, and which are public', () => {
    expect(operation('get', '/api/flows')['security']).toEqual(expect.arrayContaining([{ session: [] }, { bearer: [] }]));
    expect(operation('post', '/api/crm/events')['security']).toEqual(expect.arrayContaining([{ apiKey: [] }]));
    expect(operation('post', '/api/auth/login')['security']).toBeUndefined();
    expect(operation('get', '/health/live')['security']).toBeUndefined();
  });
});

@Controller('contract-probe')
class ProbeController {
  @Get()
  @ZodResponse(z.object({ count: z.number() }))
  probe(): { count: number } {
    return { count: 1 };
  }
}

describe('the response contract check', () => {
  async function answer(value: unknown): Promise<unknown> {
    const interceptor = new ResponseContractInterceptor(new Reflector());
    const context = new ExecutionContextHost([], ProbeController, ProbeController.prototype.probe);
    return lastValueFrom(interceptor.intercept(context, { handle: () => of(value) }));
  }

  it('passes an answer its schema describes, and refuses one it does not', async () => {
    await expect(answer({ count: 2 })).resolves.toEqual({ count: 2 });
    await expect(answer({ count: 'two' })).rejects.toBeInstanceOf(ResponseContractError);
  });
});
