import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../constructs/spec/durations.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 0.5],
    ['30s', 30],
    ['2m', 120],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1m30s', 90],
    ['1.5h', 5400],
    ['100ms', 0.1],
    ['0s', 0],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['2 minutes', '2', 'm', '', '-1s', '1d', '1h 30m', ' 2m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
