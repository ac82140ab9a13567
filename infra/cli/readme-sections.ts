/** The generated sections of a README, each between its two marker lines, and how to refresh them. */
import { REFERENCE_END, REFERENCE_START, referenceMarkdown } from '../../constructs/spec/reference-table.js';
import { SETTINGS_END, SETTINGS_START, settingsMarkdown } from '../../gateway/settings-table.js';

export interface ReadmeSection {
  readonly start: string;
  readonly end: string;
  readonly content: () => string;
}

export const README_SECTIONS: readonly ReadmeSection[] = [
  { start: REFERENCE_START, end: REFERENCE_END, content: referenceMarkdown },
  { start: SETTINGS_START, end: SETTINGS_END, content: settingsMarkdown },
];

/** What lies between the markers of `section` in `readme`, or undefined when they are missing. */
export function sectionText(readme: string, section: ReadmeSection): string | undefined {
  const start = readme.indexOf(section.start);
  const end = readme.indexOf(section.end);
  if (start === -1 || end === -1 || end < start) return undefined;
  return readme.slice(start + section.start.length, end);
}

/** `readme` with every marked section regenerated; throws when it has none of them. */
export function replaceSections(readme: string, sections = README_SECTIONS): string {
  let result = readme;
  let found = 0;
  for (const section of sections) {
    if (sectionText(result, section) === undefined) continue;
    found++;
    const start = result.indexOf(section.start) + section.start.length;
    result = `${result.slice(0, start)}\n${section.content()}\n${result.slice(result.indexOf(section.end))}`;
  }
  if (found === 0) {
    const lines = sections.map((section) => `'${section.start}' and '${section.end}'`).join(', or ');
    throw new Error(`the file has no generated section; add a line ${lines} where it goes`);
  }
  return result;
}
