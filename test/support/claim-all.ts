/** One round of claiming, collected: what the worker would have been handed. */
import type { AsyncQueue, Delivery } from '../../gateway/async/queue.js';

export async function claimAll(queue: AsyncQueue, room: (fn: string) => number, leaseMs = 60_000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  await queue.claim(room, leaseMs, (delivery) => out.push(delivery));
  return out;
}
