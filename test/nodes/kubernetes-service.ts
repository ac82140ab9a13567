/**
 * The `kubernetes` Service's ClusterIP, served on this machine for the real node's pods: what
 * kube-proxy does for every pod of a cluster, for that one Service. There is no iptables here, so
 * the address is put on `lo` and a TCP forwarder on it passes each connection to the API server,
 * which listens on 127.0.0.1 only. A pod's in-cluster client then works unchanged: the kubelet
 * gives it KUBERNETES_SERVICE_HOST, and the serving certificate names that address.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ServiceForward {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `address:port` (already on an interface) and forwards to `target`. */
export async function forwardService(address: string, port: number, target: { host: string; port: number }): Promise<ServiceForward> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      // One side failing ends both; the pod's client sees a reset and reconnects, as through kube-proxy.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return {
    address,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
