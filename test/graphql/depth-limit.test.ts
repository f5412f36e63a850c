/** The depth-limit validation rule on a recursive schema: fields, fragments, cycles, introspection. */
import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule } from '../../src/graphql/depth-limit.js';

const schema = buildSchema(`
  type Node { name: String, child: Node, children: [Node] }
  type Query { node: Node }
`);

function errorsFor(query: string, maxDepth: number): string[] {
  return validate(schema, parse(query), [depthLimitRule(maxDepth)]).map((error) => error.message);
}

describe('depthLimitRule', () => {
  it.each([
    ['{ node { name } }', 2],
    ['{ node { child { child { name } } } }', 4],
    ['{ node { ...F } } fragment F on Node { child { name } }', 3],
    ['{ node { ... on Node { child { name } } } }', 3],
    ['{ a: node { name } b: node { child { child { name } } } }', 4],
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
});
