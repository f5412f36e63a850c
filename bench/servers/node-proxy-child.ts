/**
 * A reference point for the streaming benchmark: the smallest correct Node.js proxy of the same
 * URL (http.get with a keep-alive agent, status and length passed on, `pipe` to the response).
 * It has no link check, no error mapping, no sniffing: the best a Node process can do here, so
 * ours / node-pipe says what our route costs on top of the runtime.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../lib/rpc.js';

const upstream = process.env.UPSTREAM_ORIGIN;
if (!upstream) throw new Error('UPSTREAM_ORIGIN is required');
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const upstreamRequest = http.get(`${upstream}${req.url ?? '/'}`, { agent }, (response) => {
    res.writeHead(response.statusCode ?? 502, {
      'content-type': response.headers['content-type'] ?? 'application/octet-stream',
      ...(response.headers['content-length'] ? { 'content-length': response.headers['content-length'] } : {}),
    });
    response.pipe(res);
    response.once('error', () => res.destroy());
  });
  upstreamRequest.once('error', () => res.destroy());
  res.once('close', () => upstreamRequest.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.on('SIGTERM', () => process.exit(0));
  serveRpc({ url: `http://127.0.0.1:${port}` }, {});
});
