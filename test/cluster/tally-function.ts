/**
 * A test function that records every request it serves: one line `<host> <body>` appended to
 * $TALLY_FILE, so a test counts at the function that each request arrived exactly once, and on
 * which test host. Standard library only: the test hosts have no route to a package index.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface TallySettings {
  readonly idleTimeout?: string;
  readonly maxReplicas?: number;
}

export function tallyScript(settings: TallySettings = {}): string {
  return `# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.faas]
# min-replicas = 0
# max-replicas = ${settings.maxReplicas ?? 3}
# idle-timeout = "${settings.idleTimeout ?? '10m'}"
# timeout = "30s"
# ///
import os


def handle(req):
    line = f"{os.environ['TALLY_HOST']} {req.strip()}\\n"
    with open(os.environ["TALLY_FILE"], "a") as tally:
        tally.write(line)
    return line
`;
}

/** `<host> <body>` lines recorded so far. */
export function tallied(file: string): { host: string; body: string }[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      return { host: line.slice(0, space), body: line.slice(space + 1) };
    });
}

/** How often each body was recorded. */
export function countsByBody(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { body } of tallied(file)) counts.set(body, (counts.get(body) ?? 0) + 1);
  return counts;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs `body` on a fresh connection (no keep-alive), so a connection refused means the request
 * was never sent and may be sent again elsewhere without being served twice.
 */
export function post(url: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
