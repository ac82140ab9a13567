import { describe, expect, it } from 'vitest';
import { parseFunctionRoute } from '../../../gateway/http/router.js';

describe('parseFunctionRoute', () => {
  it.each([
    ['/function/echo', { name: 'echo', namespace: undefined, path: '/', base: '/function/echo' }],
    ['/function/echo/', { name: 'echo', namespace: undefined, path: '/', base: '/function/echo' }],
    ['/function/echo/a/b?x=1', { name: 'echo', namespace: undefined, path: '/a/b?x=1', base: '/function/echo' }],
    ['/function/echo?x=1&y=2', { name: 'echo', namespace: undefined, path: '/?x=1&y=2', base: '/function/echo' }],
    ['/function/echo.openfaas-fn', { name: 'echo', namespace: 'openfaas-fn', path: '/', base: '/function/echo.openfaas-fn' }],
    ['/function/echo.faas/items?id=3', { name: 'echo', namespace: 'faas', path: '/items?id=3', base: '/function/echo.faas' }],
    ['/gateway/echo/hello', { name: 'echo', namespace: undefined, path: '/hello', base: '/gateway/echo' }],
    ['/invoke/echo', { name: 'echo', namespace: undefined, path: '/', base: '/invoke/echo' }],
    ['/function/', { name: '', namespace: undefined, path: '/', base: '/function/' }],
  ])('reads %s as the function, namespace, the path the function sees and what it sits behind', (url, expected) => {
    expect(parseFunctionRoute(url)).toEqual(expected);
  });

  it.each(['/', '/functions/echo', '/system/functions', '/functionx/echo'])('does not treat %s as a function call', (url) => {
    expect(parseFunctionRoute(url)).toBeUndefined();
  });
});
