/**
 * A GraphQL validation rule that refuses operations nested deeper than a limit (fragments
 * followed). Introspection fields (`__schema`, `__type`) are not counted: tools' introspection
 * queries are deep by nature and are governed by GRAPHQL_INTROSPECTION instead.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

function selectionDepth(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  visitingFragments: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        if (selection.name.value.startsWith('__')) break;
        const below = selection.selectionSet ? selectionDepth(context, selection.selectionSet, visitingFragments) : 0;
        deepest = Math.max(deepest, 1 + below);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        deepest = Math.max(deepest, selectionDepth(context, selection.selectionSet, visitingFragments));
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        // A cycle is reported by NoFragmentCyclesRule; here it only must not loop forever.
        if (!fragment || visitingFragments.has(name)) break;
        visitingFragments.add(name);
        deepest = Math.max(deepest, selectionDepth(context, fragment.selectionSet, visitingFragments));
        visitingFragments.delete(name);
        break;
      }
    }
  }
  return deepest;
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const depth = selectionDepth(context, node.selectionSet, new Set());
      if (depth > maxDepth) {
        const name = node.name ? `'${node.name.value}'` : 'The operation';
        context.reportError(
          new GraphQLError(`${name} is nested ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [node] }),
        );
      }
    },
  });
}
