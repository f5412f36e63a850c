/** The depth-limit validation rule on a recursive schema: fields, fragments, cycles, introspection, cost. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate, type ValidationContext, type ValidationRule } from 'graphql';
import { depthLimitRule } from '../../src/graphql/depth-limit.js';
import { LIKE_MAIN, startSubgraph, type Subgraph } from '../support/subgraph.js';

const schema = buildSchema(`
  type Node { name: String, child: Node, children: [Node] }
  type Query { node: Node }
`);

function errorsFor(query: string, maxDepth: number): string[] {
  return validate(schema, parse(query), [depthLimitRule(maxDepth)]).map((error) => error.message);
}

/**
 * `levels` fragments on `type`, each spreading the next one twice, the last holding `leaf`: about
 * 40 bytes a level, and 2^levels paths through the fragments for a rule that follows every spread.
 */
function doublingFragments(levels: number, type: string, leaf: string): string {
  const fragments: string[] = [];
  for (let level = 0; level < levels - 1; level += 1) {
    fragments.push(`fragment F${level} on ${type} { ...F${level + 1} ...F${level + 1} }`);
  }
  fragments.push(`fragment F${levels - 1} on ${type} { ${leaf} }`);
  return fragments.join('\n');
}

/** Runs the rule on a context whose fragment look-ups are counted. */
function countingFragmentLookups(rule: ValidationRule, counter: { lookups: number }): ValidationRule {
  return (context: ValidationContext) =>
    rule(
      new Proxy(context, {
        get(target, property, receiver) {
          if (property === 'getFragment') {
            return (name: string) => {
              counter.lookups += 1;
              return target.getFragment(name);
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
}

describe('depthLimitRule', () => {
  it.each([
    ['{ node { name } }', 2],
    ['{ node { child { child { name } } } }', 4],
    ['{ node { ...F } } fragment F on Node { child { name } }', 3],
    ['{ node { ... on Node { child { name } } } }', 3],
    ['{ a: node { name } b: node { child { child { name } } } }', 4],
    ['{ node { ...A ...B } } fragment A on Node { ...B } fragment B on Node { child { name } }', 3],
  ])('measures %s as %i levels', (query, depth) => {
    expect(errorsFor(query, depth)).toEqual([]);
    expect(errorsFor(query, depth - 1)).toEqual([`The operation is nested ${depth} levels deep; at most ${depth - 1} are allowed`]);
  });

  it('names the operation and checks each operation of a document', () => {
    const query = 'query Shallow { node { name } } query Deep { node { child { child { name } } } }';
    expect(errorsFor(query, 2)).toEqual(["'Deep' is nested 4 levels deep; at most 2 are allowed"]);
  });

  it('does not count introspection fields, whose standard query is deep', () => {
    const introspection = '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } node { name } }';
    expect(errorsFor(introspection, 2)).toEqual([]);
  });

  it('terminates on fragment cycles (reported by the standard rules)', () => {
    const query = '{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }';
    const messages = validate(schema, parse(query), [...specifiedRules, depthLimitRule(10)]).map((error) => error.message);
    expect(messages.join('\n')).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it('measures each fragment once, however often it is spread (cost linear in the document)', () => {
    const levels = 16;
    const query = `{ node { ...F0 } }\n${doublingFragments(levels, 'Node', 'child { name }')}`;
    const counter = { lookups: 0 };
    const messages = validate(schema, parse(query), [countingFragmentLookups(depthLimitRule(2), counter)]).map((e) => e.message);
    expect(messages).toEqual(['The operation is nested 3 levels deep; at most 2 are allowed']);
    // One look-up per fragment measured; a rule that walks every spread makes 2^16 - 1 of them.
    expect(counter.lookups).toBe(levels);
  });
});

describe('the depth limit over HTTP', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ ...LIKE_MAIN, env: { GRAPHQL_MAX_DEPTH: '3' } });
  });
  afterAll(() => h.close());

  it('answers 30 levels of fragments that each spread the next twice (a 1 KB document)', async () => {
    const fileName = h.sim.samples.recordings[0]!;
    const query = `{ ...F0 }\n${doublingFragments(30, 'Query', `recording(fileName: "${fileName}") { fileName }`)}`;
    expect(query.length).toBeLessThan(2048);
    const answer = await h.query(query);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ recording: { fileName } });
  });

  it('still refuses the same shape when its last fragment is too deep', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0]!;
    const leaf = `agentOperationIndex(fileName: "${fileName}") { operations(first: 1) { pageInfo { endCursor } } }`;
    const answer = await h.query(`query Deep { ...F0 }\n${doublingFragments(30, 'Query', leaf)}`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]).toMatchObject({
      message: "'Deep' is nested 4 levels deep; at most 3 are allowed",
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
