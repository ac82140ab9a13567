/**
 * The innermost layer for a call that asks to switch protocols (WebSocket): after the same route,
 * count and wake as any call, the handshake goes to the chosen instance, its 101 goes back to the
 * client, and from then on the two sockets are piped both ways. The call stays in flight until
 * either side closes, so the reaper never puts a function with an open socket to sleep. A function
 * that answers the handshake with anything but 101 gets that answer relayed as a plain response.
 */
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatewayError, sendError } from './errors.js';
import type { CloseListener, Exchange, Step } from './exchange.js';
import { upstreamHeaders } from './proxy.js';

/** Raw response head lines, as the function sent them. */
function head(statusLine: string, res: IncomingMessage): string {
  const lines = [statusLine];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

class Tunnel implements CloseListener {
  private upstream: Duplex | undefined;

  constructor(private readonly exchange: Exchange) {}

  start(): void {
    const { req, res, name, definition } = this.exchange;
    const target = new URL(this.exchange.endpoint);
    // Connection and Upgrade are hop-by-hop, dropped for any other call; here they are the request.
    const headers = [...upstreamHeaders(req, this.exchange.forwardedPrefix, this.exchange), 'connection', 'Upgrade', 'upgrade', req.headers.upgrade ?? ''];
    const call = request({
      host: target.hostname,
      port: target.port,
      path: this.exchange.upstreamPath,
      method: req.method,
      headers,
      agent: false,
      timeout: (definition?.timeoutSeconds ?? 30) * 1000,
    });
    this.exchange.onClose(this);
    call.on('upgrade', (answer: IncomingMessage, socket: Duplex, early: Buffer) => {
      const client = req.socket;
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      this.exchange.upgraded = true;
      this.upstream = socket;
      // The function's timeout bounds the handshake only; an open socket may stay quiet for long.
      (socket as Socket).setTimeout(0);
      client.write(head(`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}`, answer));
      if (early.length > 0) client.write(early);
      const sent = this.exchange.upgradeHead;
      if (sent !== undefined && sent.length > 0) socket.write(sent);
      socket.on('error', () => client.destroy());
      socket.on('close', () => client.destroy());
      socket.pipe(client);
      client.pipe(socket);
    });
    call.on('response', (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage ?? '', answer.rawHeaders);
      answer.pipe(res);
    });
    call.on('timeout', () => {
      if (this.exchange.upgraded) return;
      call.destroy();
      sendError(res, new GatewayError('upstream_timeout', `function "${name}" did not answer the protocol switch within its timeout of ${definition?.timeout ?? '?'}`, name));
    });
    call.on('error', (error: Error) => {
      if (this.exchange.upgraded || res.headersSent || res.destroyed) return;
      sendError(res, new GatewayError('upstream_error', `function "${name}" failed while switching protocols: ${error.message}`, name));
    });
    call.end();
  }

  /** The client went away: close the function's side too. */
  closed(): void {
    this.upstream?.destroy();
  }
}

export function createUpgradeTunnel(): Step {
  return (exchange) => new Tunnel(exchange).start();
}
