/**
 * The least any Node proxy does: node:http in, the same undici Agent out, nothing else (no routing,
 * metrics, wake or counting). The proxy bench runs it beside the gateway so the gateway's gap to
 * nginx splits into what the project adds and what Node itself costs. Prints its URL.
 */
import { createServer } from 'node:http';
import { createUpstreamAgent } from '../../gateway/http/upstream-agent.js';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-node-proxy.ts <upstream URL>');
const agent = createUpstreamAgent();

const server = createServer((req, res) => {
  agent.dispatch(
    { origin: upstream, path: '/', method: 'GET', headers: ['x-forwarded-for', req.socket.remoteAddress ?? ''] },
    {
      // undici 8 refuses a handler without onRequestStart: every call would fail at dispatch.
      onRequestStart() {},
      onResponseStart(controller, statusCode, _headers, statusText) {
        const raw = controller.rawHeaders as Buffer[];
        const headers: string[] = [];
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i]!.toString('latin1');
          if (name.length !== 10 || name.toLowerCase() !== 'connection') headers.push(name, raw[i + 1]!.toString('latin1'));
        }
        res.writeHead(statusCode, statusText ?? '', headers);
      },
      onResponseData(controller, chunk) {
        if (!res.write(chunk)) {
          controller.pause();
          res.once('drain', () => controller.resume());
        }
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      },
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => process.exit(0));
