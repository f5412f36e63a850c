/**
 * A Kysely plugin that counts the SQL statements the read side sends, by kind of statement. It is how
 * an operator (db_read_queries_total) and the N+1 tests see that a page of 100 calls costs one
 * query per batch, not one per call.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export class QueryCounterPlugin implements KyselyPlugin {
  constructor(private readonly onQuery: (kind: RootOperationNode['kind']) => void) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.onQuery(args.node.kind);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
