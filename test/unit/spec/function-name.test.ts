import { describe, expect, it } from 'vitest';
import { derivedNames, functionNameFromStem, functionNameProblem, MAX_FUNCTION_NAME_LENGTH } from '../../../constructs/spec/function-name.js';

describe('function names', () => {
  it('derives the name from the stem', () => {
    expect(functionNameFromStem('Flask_App')).toBe('flask-app');
    expect(functionNameFromStem('echo')).toBe('echo');
  });

  it('names every object after the function, the code ConfigMap with a suffix', () => {
    expect(derivedNames('echo')).toEqual({ deployment: 'echo', service: 'echo', horizontalPodAutoscaler: 'echo', function: 'echo', configMap: 'echo-code' });
  });

  it('caps the name so that the longest derived name is 63 characters', () => {
    expect(MAX_FUNCTION_NAME_LENGTH).toBe(63 - '-code'.length);
    const longest = 'a'.repeat(MAX_FUNCTION_NAME_LENGTH);
    expect(functionNameProblem(longest)).toBeUndefined();
    expect(Math.max(...Object.values(derivedNames(longest)).map((name) => name.length))).toBe(63);
    expect(functionNameProblem(`${longest}a`)).toMatch(/use at most 58/);
  });

  it.each([
    ['', /empty/],
    ['Echo', /not a DNS-1123 label/],
    ['my.fn', /not a DNS-1123 label/],
    ['-fn', /not a DNS-1123 label/],
    ['fn-', /not a DNS-1123 label/],
    ['9lives', /must start with a letter/],
    ['faas-gateway', /reserved for the platform/],
  ])('refuses %j', (name, reason) => {
    expect(functionNameProblem(name)).toMatch(reason);
  });

  it.each(['a', 'echo', 'flask-app', 'v2-api'])('accepts %j', (name) => {
    expect(functionNameProblem(name)).toBeUndefined();
  });
});
