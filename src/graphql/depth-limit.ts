/**
 * A GraphQL validation rule that refuses operations nested deeper than a limit (fragments
 * followed). Introspection fields (`__schema`, `__type`) are not counted: tools' introspection
 * queries are deep by nature and are governed by GRAPHQL_INTROSPECTION instead.
 *
 * Cost: each fragment's depth is measured once per document and remembered, so a fragment that is
 * spread many times (or a chain of fragments that each spread the next twice) costs one walk, and
 * validation stays linear in the size of the document.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Measures selection sets of one document, remembering each fragment's depth. */
class DepthMeter {
  private readonly fragmentDepths = new Map<string, number>();
  private readonly measuring = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  selectionDepth(selectionSet: SelectionSetNode): number {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value.startsWith('__')) break;
          deepest = Math.max(deepest, 1 + (selection.selectionSet ? this.selectionDepth(selection.selectionSet) : 0));
          break;
        case Kind.INLINE_FRAGMENT:
          deepest = Math.max(deepest, this.selectionDepth(selection.selectionSet));
          break;
        case Kind.FRAGMENT_SPREAD:
          deepest = Math.max(deepest, this.fragmentDepth(selection.name.value));
          break;
      }
    }
    return deepest;
  }

  private fragmentDepth(name: string): number {
    const known = this.fragmentDepths.get(name);
    if (known !== undefined) return known;
    const fragment = this.context.getFragment(name);
    // A cycle is reported by NoFragmentCyclesRule; here it only must not loop forever.
    if (!fragment || this.measuring.has(name)) return 0;
    this.measuring.add(name);
    const depth = this.selectionDepth(fragment.selectionSet);
    this.measuring.delete(name);
    this.fragmentDepths.set(name, depth);
    return depth;
  }
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const meter = new DepthMeter(context);
    return {
      OperationDefinition(node) {
        const depth = meter.selectionDepth(node.selectionSet);
        if (depth > maxDepth) {
          const name = node.name ? `'${node.name.value}'` : 'The operation';
          context.reportError(
            new GraphQLError(`${name} is nested ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [node] }),
          );
        }
      },
    };
  };
}
