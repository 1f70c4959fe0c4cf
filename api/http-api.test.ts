import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, corsHeaders, isResource, matchRoute } from './http-api';

describe('routing', () => {
  it('takes a path parameter, decoded', () => {
    const put = matchRoute('PUT', '/pets/42');
    assert.equal(put?.route.path, '/pets/{id}');
    assert.deepEqual(put?.pathParameters, { id: '42' });
    assert.deepEqual(matchRoute('DELETE', '/pets/a%20b')?.pathParameters, { id: 'a b' });
    assert.equal(matchRoute('GET', '/pets')?.pathParameters, null);
  });

  it('prefers literal segments among the routes of the method, as API Gateway does', () => {
    assert.equal(matchRoute('POST', '/pets/purchase')?.route.handler, 'purchasePet');
    // Path and method resolve together: /pets/purchase has no PUT, /pets/{id} has.
    assert.deepEqual(matchRoute('PUT', '/pets/purchase')?.pathParameters, { id: 'purchase' });
    // GET has both: the literal view and the public pet by id.
    assert.equal(matchRoute('GET', '/pets/sales')?.route.handler, 'listSales');
    assert.equal(matchRoute('GET', '/pets/sales')?.pathParameters, null);
    assert.deepEqual(matchRoute('GET', '/pets/42'), {
      route: api.routes.find((r) => r.handler === 'getPetById'),
      pathParameters: { id: '42' },
    });
    // A method that no resource of the path has matches nothing.
    assert.equal(matchRoute('DELETE', '/pets'), undefined);
  });

  it('matches no empty, extra or malformed segment', () => {
    for (const path of ['/pets/', '/pets/42/x', '/pet', '/pets/%E0%A4%A']) {
      assert.equal(matchRoute('PUT', path), undefined, path);
    }
    assert.ok(isResource('/pets/7') && isResource('/pets/purchase') && !isResource('/owners'));
  });

  it('allows every route method in preflights', () => {
    for (const route of api.routes) assert.ok(api.cors.allowMethods.includes(route.method));
  });
});

describe('CORS', () => {
  it('lets browsers keep a preflight two hours, the most Chromium honours', () => {
    // Chromium caps Access-Control-Max-Age at 7200 s, Firefox at 86400 s; without it a
    // preflight is kept 5 s. https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age
    assert.equal(corsHeaders(true)['Access-Control-Max-Age'], '7200');
  });

  it('sends Max-Age on preflights only: other answers have nothing to cache', () => {
    assert.equal(corsHeaders()['Access-Control-Max-Age'], undefined);
  });
});
