/**
 * The script `faas new` writes: every `[tool.faas]` key at its default with the schema's
 * description above it, so a newcomer sees every knob without opening the docs.
 */
import { FAAS_SETTING_KEYS, SCRIPT_FIELD_KEYS } from './setting-keys.js';
import { tomlLiteral } from './toml-literal.js';

function wrap(text: string, width = 84): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + word.length + 1 > width) lines.push(current), (current = word);
    else current = current === '' ? word : `${current} ${word}`;
  }
  return current === '' ? lines : [...lines, current];
}

/** Handler styles `faas new --style` can start from; each is one the runtime detects. */
export const TEMPLATE_STYLES = ['handle', 'fastapi', 'flask'] as const;
export type TemplateStyle = (typeof TEMPLATE_STYLES)[number];

/** The dependencies a style's template declares (which `faas lock` then locks). */
export function templateDependencies(style: TemplateStyle): readonly string[] {
  return STYLES[style].dependencies;
}

interface StyleTemplate {
  readonly dependencies: readonly string[];
  readonly try: string;
  readonly code: string;
}

const STYLES: Readonly<Record<TemplateStyle, StyleTemplate>> = {
  handle: {
    dependencies: [],
    try: "curl -d 'world' http://127.0.0.1:8080/function/NAME",
    code: `def handle(req: str) -> dict:
    """Called once per request with the body as text; a dict is sent back as JSON."""
    return {"message": f"Hello, {req or 'world'}!"}
`,
  },
  fastapi: {
    dependencies: ['fastapi', 'uvicorn'],
    try: 'curl http://127.0.0.1:8080/function/NAME/?name=world',
    code: `from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello(name: str = "world") -> dict:
    return {"message": f"Hello, {name}!"}
`,
  },
  flask: {
    dependencies: ['flask'],
    try: 'curl http://127.0.0.1:8080/function/NAME/?name=world',
    code: `from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/")
def hello():
    return jsonify(message=f"Hello, {request.args.get('name', 'world')}!")
`,
  },
};

export function scriptTemplate(name: string, style: TemplateStyle = 'handle'): string {
  const template = STYLES[style];
  const toml: string[] = [];
  for (const { key, schema } of SCRIPT_FIELD_KEYS) {
    // requires-python has no default (the image's Python); the template pins what the platform is tested on.
    const value = key === 'dependencies' ? template.dependencies : (schema.default ?? (schema.examples as unknown[] | undefined)?.[0]);
    toml.push(`${key} = ${tomlLiteral(value)}`);
  }
  toml.push('', '[tool.faas]');
  for (const { key, schema } of FAAS_SETTING_KEYS) {
    // A key with no default (priority-class-name) is shown with its example, commented out.
    const line = schema.default === undefined ? `# ${key} = ${tomlLiteral((schema.examples as unknown[])[0])}` : `${key} = ${tomlLiteral(schema.default)}`;
    toml.push(...wrap(schema.description ?? '').map((text) => `# ${text}`), line);
  }
  const block = ['# /// script', ...toml.map((line) => (line === '' ? '#' : `# ${line}`)), '# ///'];

  return `${block.join('\n')}
"""${name}: one function, served at /function/${name}.

Try it: \`faas dev\`, then \`${template.try.replace('NAME', name)}\`.
"""

${template.code}`;
}
