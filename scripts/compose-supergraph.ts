/**
 * Composes a supergraph locally with @apollo/composition (no GraphOS, no rover plugin download):
 * this subgraph's SDL (the schema file, or `_service { sdl }` of a running server) plus a companion
 * subgraph's SDL file, written as supergraph.graphql for a router or @apollo/gateway.
 *
 *   npx tsx scripts/compose-supergraph.ts \
 *     [--media-sdl schema/subgraph.graphql | --media-introspect http://localhost:4001/graphql] \
 *     [--media-url http://localhost:4001/graphql] \
 *     [--companion scripts/calls-subgraph.example.graphql] [--companion-name calls] \
 *     [--companion-url http://localhost:4002/graphql] [--out supergraph.graphql]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

const { values } = parseArgs({
  options: {
    'media-sdl': { type: 'string', default: 'schema/subgraph.graphql' },
    'media-introspect': { type: 'string' },
    'media-url': { type: 'string', default: 'http://localhost:4001/graphql' },
    companion: { type: 'string', default: 'scripts/calls-subgraph.example.graphql' },
    'companion-name': { type: 'string', default: 'calls' },
    'companion-url': { type: 'string', default: 'http://localhost:4002/graphql' },
    out: { type: 'string', default: 'supergraph.graphql' },
  },
});

async function mediaSdl(): Promise<string> {
  const url = values['media-introspect'];
  if (url === undefined) return readFileSync(values['media-sdl'] as string, 'utf8');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (sdl === undefined) throw new Error(`no _service.sdl from ${url} (HTTP ${response.status})`);
  return sdl;
}

const result = composeServices([
  { name: 'media', url: values['media-url'] as string, typeDefs: parse(await mediaSdl()) },
  { name: values['companion-name'] as string, url: values['companion-url'] as string, typeDefs: parse(readFileSync(values.companion as string, 'utf8')) },
]);

if (result.errors) {
  for (const error of result.errors) process.stderr.write(`composition error: ${error.message}\n`);
  process.exit(1);
}
writeFileSync(values.out as string, result.supergraphSdl);
for (const hint of result.hints) process.stderr.write(`hint: ${hint.toString()}\n`);
process.stdout.write(`wrote ${values.out}\n`);
