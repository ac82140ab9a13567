/**
 * `POST /admin/python`, the seed's upload form, kept so its clients keep working:
 * `{"script": base64, "dot_file": base64?, "option": {"user", "replica"}}`.
 *
 * - `script`: the PEP 723 script, base64 (line breaks allowed, as `base64` wraps).
 * - `lock`: the script's lock (`<script>.lock`), base64; required when it has dependencies.
 * - `dot_file` (or `dotFile`): an optional base64 `.env` or INI file. It often holds
 *   credentials, so it never goes into the script, its spec or a ConfigMap: under `faas dev` it is
 *   a file only the user can read beside the deployed script, given to the function as
 *   `$FAAS_DOT_FILE`, its `KEY=value` lines as environment over the script's `env`. The Kubernetes
 *   gateway may not write Secrets and refuses it, saying how to make the Secret instead.
 * - `option.replica`: replicas kept running (`min-replicas`; `max-replicas` is raised to it).
 * - `option.name`: the function's name. Without it the seed made up a fresh name per upload;
 *   here the name is `<user>-<first 8 hex of the script's sha256>` (`fn-…` without a user),
 *   so uploading the same script twice updates one function instead of adding another.
 *
 * Answers 200 `{url, code, message, function}` like the seed (it waited for readiness; a
 * function here starts on its first call instead).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { AdminHandler } from './admin-context.js';
import { AdminError } from './admin-error.js';
import { parseJsonBody, readBody } from './json-body.js';
import { checkFunctionName, scriptDefinition, type OverrideFields, type SpecOverrides } from './script-definition.js';
import { storeFunction } from './store-function.js';
import { sendJson } from './send-json.js';

const Base64Text = Type.String({ description: 'base64 of UTF-8 text' });

export const AdminPythonRequestSchema = Type.Object({
  script: Type.String({ minLength: 1, description: 'The PEP 723 script, base64-encoded.' }),
  lock: Type.Optional(Type.Union([Base64Text, Type.Null()])),
  dot_file: Type.Optional(Type.Union([Base64Text, Type.Null()])),
  dotFile: Type.Optional(Type.Union([Base64Text, Type.Null()])),
  option: Type.Optional(
    Type.Object({
      user: Type.Optional(Type.String()),
      replica: Type.Optional(Type.Integer({ minimum: 0 })),
      name: Type.Optional(Type.String()),
    }),
  ),
});

export const adminPython: AdminHandler = async ({ req, res, deps }) => {
  const body = parseJsonBody(await readBody(req, deps.bodyLimit), AdminPythonRequestSchema, 'a script upload {"script": "<base64>", "dot_file": "<base64>", "option": {"user", "replica"}}');
  const source = decodeBase64(body.script, 'script', 'base64 < echo.py');
  const name = body.option?.name ?? generatedName(body.option?.user, source);
  checkFunctionName(name, body.option?.name !== undefined ? 'option.name' : 'option.user');

  const overrides: { -readonly [K in keyof SpecOverrides]: SpecOverrides[K] } = {};
  const fields: OverrideFields = {};
  const field = body.dot_file ? 'dot_file' : 'dotFile';
  const encoded = body.dot_file ?? body.dotFile;
  const dotFile = encoded ? decodeBase64(encoded, field, 'base64 < your-config.ini', name) : undefined;
  if (dotFile !== undefined && !deps.backend.keepsPrivateFiles) {
    throw new AdminError(
      'bad_request',
      `field '${field}': the ${deps.backend.kind} gateway keeps no credentials, and a dot file is not written into a Function object; ` +
        `put it in a Secret (kubectl create secret generic ${name}-config --from-file=dot_file=your-config.ini) and list it in the script's [tool.faas] secrets = ["${name}-config"]; the function reads /var/faas/secrets/${name}-config/dot_file`,
      { function: name, errors: [`field '${field}': not accepted by the ${deps.backend.kind} gateway; use a Secret`] },
    );
  }
  const replica = body.option?.replica;
  if (replica !== undefined) {
    overrides.minReplicas = replica;
    fields.minReplicas = fields.maxReplicas = 'option.replica';
  }
  // The seed's `replica` is a count to run, so a script's lower ceiling rises to meet it.
  const definition = scriptDefinition(
    name,
    source,
    (script) => (replica !== undefined && replica > script.maxReplicas ? { ...overrides, maxReplicas: replica } : overrides),
    fields,
    body.lock ? decodeBase64(body.lock, 'lock', 'base64 < echo.py.lock', name) : undefined,
  );
  await storeFunction(deps, definition, `/admin/python (user ${JSON.stringify(body.option?.user ?? '')})`, { dotFile });
  sendJson(res, 200, { url: functionUrl(req, deps.pathPrefix ?? '', name), code: 200, message: 'success', function: name });
};

/** Strict base64: Buffer.from silently skips bad characters, which would deploy garbage. */
function decodeBase64(value: string, field: string, example: string, fn?: string): string {
  const compact = value.replace(/\s+/g, '');
  const fail = (why: string): never => {
    throw new AdminError('bad_request', `field '${field}' ${why}; send the file base64-encoded (e.g. \`${example}\`)`, fn === undefined ? {} : { function: fn });
  };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) fail('is not base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return fail('does not decode to UTF-8 text');
  }
}

function generatedName(user: string | undefined, source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
  const owner = (user ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${owner === '' || !/^[a-z]/.test(owner) ? 'fn' : owner}-${hash}`;
}

function functionUrl(req: IncomingMessage, prefix: string, name: string): string {
  const header = (key: string) => {
    const value = req.headers[key];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  };
  const host = header('x-forwarded-host') ?? header('host') ?? 'localhost';
  const proto = header('x-forwarded-proto') ?? 'http';
  return `${proto}://${host}${prefix}/function/${name}`;
}
