/** GraphQL over HTTP as a client sends it (global fetch), keeping status and headers for assertions. */

export interface GraphQLAnswer<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** POSTs a query; a body that is not JSON gives an answer with only status and headers. */
export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: Omit<GraphQLAnswer<TData>, 'status' | 'headers'> = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  return { status: response.status, headers: response.headers, ...body };
}

/** The link's path and query on the server the test started (links are built on PUBLIC_BASE_URL). */
export function onServer(link: string, serverUrl: string): string {
  const url = new URL(link);
  return new URL(url.pathname + url.search, serverUrl).toString();
}
