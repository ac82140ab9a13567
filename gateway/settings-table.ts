/** The README's table of gateway settings, generated from `GATEWAY_SETTINGS` so the two cannot drift. */
import { GATEWAY_SETTINGS } from './config.js';

export const SETTINGS_START = '<!-- gateway-settings:start -->';
export const SETTINGS_END = '<!-- gateway-settings:end -->';

export function settingsMarkdown(): string {
  const rows = Object.values(GATEWAY_SETTINGS).map(
    (setting) => `| \`${setting.variable}\` | ${setting.defaultShown ?? `\`${setting.default}\``} | ${setting.meaning} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
