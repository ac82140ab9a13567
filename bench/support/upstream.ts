/** The function stand-in both proxies forward to: a minimal node:http server. Prints its URL. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from('{"message":"hello"}');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
