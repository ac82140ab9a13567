/**
 * bench/spec/load-folder: time to load a folder of scripts (read, split, parse TOML, check
 * against the schema, hash), beside a bare reference in the same process: read the same
 * files and parse each block's TOML with smol-toml, nothing else. The machine is shared,
 * so the ratio to the reference is the figure to read.
 *
 * Usage: npx tsx bench/spec/load-folder.ts [count=1000] [rounds=5]
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { loadFunctionsFolder } from '../../constructs/spec/load-folder.js';

const count = Number(process.argv[2] ?? '1000');
const rounds = Number(process.argv[3] ?? '5');
if (!Number.isInteger(count) || count < 1) throw new Error(`count (${process.argv[2]}) must be a positive integer`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds (${process.argv[3]}) must be a positive integer`);

const script = (index: number) => `# /// script
# requires-python = ">=3.11"
# dependencies = ["fastapi>=0.110", "uvicorn[standard]", "httpx"]
#
# [tool.faas]
# min-replicas = ${index % 2}
# max-replicas = 5
# idle-timeout = "2m"
# timeout = "30s"
# memory = "128Mi"
# cpu = "100m"
# env = { GREETING = "hi", INDEX = "${index}" }
# secrets = ["db-password"]
# ///
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root() -> dict:
    return {"index": ${index}}
`;

/** The least a loader must do: read every file and parse the TOML between the tags. */
async function reference(dir: string): Promise<number> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.py')).sort();
  const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
  let parsed = 0;
  for (const text of texts) {
    const match = /^# \/\/\/ script\n((?:#(?: .*)?\n)+?)# \/\/\/$/m.exec(text);
    parse(match![1]!.replace(/^# ?/gm, ''));
    parsed++;
  }
  return parsed;
}

async function time(run: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const loaded = await run();
  if (loaded !== count) throw new Error(`loaded ${loaded} of ${count} scripts`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const dir = await mkdtemp(join(tmpdir(), 'faas-bench-load-'));
try {
  await Promise.all(Array.from({ length: count }, (_, index) => writeFile(join(dir, `fn_${String(index).padStart(5, '0')}.py`), script(index))));
  const full = async () => {
    const { functions, errors } = await loadFunctionsFolder(dir);
    if (errors.length > 0) throw new Error(errors[0]!.message);
    return functions.length;
  };
  // Warm both paths (JIT, file cache) before measuring.
  await time(full);
  await time(() => reference(dir));

  const loads: number[] = [];
  const references: number[] = [];
  for (let round = 0; round < rounds; round++) {
    loads.push(await time(full));
    references.push(await time(() => reference(dir)));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [load, bare] = [median(loads), median(references)];
  console.log(`scripts: ${count}, rounds: ${rounds} (medians)`);
  console.log(`loadFunctionsFolder: ${load.toFixed(1)} ms (${((load / count) * 1000).toFixed(1)} µs per script)`);
  console.log(`reference (read + smol-toml parse): ${bare.toFixed(1)} ms (${((bare / count) * 1000).toFixed(1)} µs per script)`);
  console.log(`ratio: ${(load / bare).toFixed(2)}x the reference`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
