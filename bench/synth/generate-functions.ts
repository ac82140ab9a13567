/**
 * Writes `count` varied PEP 723 scripts (ASGI, WSGI, handle; different settings and
 * dependencies) into a folder, the size of script a real function folder holds.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const STYLES = [
  {
    dependencies: '["fastapi", "uvicorn"]',
    body: 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/")\nasync def echo(body: dict) -> dict:\n    return body\n',
  },
  {
    dependencies: '["flask>=3"]',
    body: 'from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n@app.route("/", methods=["GET", "POST"])\ndef greet():\n    return jsonify(name=request.args.get("name", "world"))\n',
  },
  { dependencies: '[]', body: 'def handle(req):\n    return "Hello, " + (req or "world")\n' },
];

export async function generateFunctions(dir: string, count: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const style = STYLES[i % STYLES.length]!;
    const script = [
      '# /// script',
      '# requires-python = ">=3.11"',
      `# dependencies = ${style.dependencies}`,
      '#',
      '# [tool.faas]',
      `# min-replicas = ${i % 4 === 0 ? 1 : 0}`,
      `# max-replicas = ${2 + (i % 8)}`,
      `# idle-timeout = "${1 + (i % 10)}m"`,
      '# timeout = "30s"',
      `# memory = "${64 * (1 + (i % 4))}Mi"`,
      '# cpu = "100m"',
      `# env = { FUNCTION_INDEX = "${i}" }`,
      i % 5 === 0 ? `# secrets = ["api-key-${i}"]` : '#',
      '# ///',
      `"""Generated function ${i} for bench/synth."""`,
      '',
      style.body,
    ].join('\n');
    writes.push(writeFile(join(dir, `fn_${String(i).padStart(4, '0')}.py`), script));
  }
  await Promise.all(writes);
}
