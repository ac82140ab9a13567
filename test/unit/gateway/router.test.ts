import { describe, expect, it } from 'vitest';
import { parseFunctionRoute } from '../../../gateway/http/router.js';

describe('parseFunctionRoute', () => {
  it.each([
    ['/function/echo', { name: 'echo', namespace: undefined, path: '/' }],
    ['/function/echo/', { name: 'echo', namespace: undefined, path: '/' }],
    ['/function/echo/a/b?x=1', { name: 'echo', namespace: undefined, path: '/a/b?x=1' }],
    ['/function/echo?x=1&y=2', { name: 'echo', namespace: undefined, path: '/?x=1&y=2' }],
    ['/function/echo.openfaas-fn', { name: 'echo', namespace: 'openfaas-fn', path: '/' }],
    ['/function/echo.faas/items?id=3', { name: 'echo', namespace: 'faas', path: '/items?id=3' }],
    ['/gateway/echo/hello', { name: 'echo', namespace: undefined, path: '/hello' }],
    ['/invoke/echo', { name: 'echo', namespace: undefined, path: '/' }],
    ['/function/', { name: '', namespace: undefined, path: '/' }],
  ])('reads %s as the function, namespace and path the function sees', (url, expected) => {
    expect(parseFunctionRoute(url)).toEqual(expected);
  });

  it.each(['/', '/functions/echo', '/system/functions', '/functionx/echo'])('does not treat %s as a function call', (url) => {
    expect(parseFunctionRoute(url)).toBeUndefined();
  });
});
