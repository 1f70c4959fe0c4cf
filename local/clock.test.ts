import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AdjustableClock } from './clock';

function put(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'PUT', path: '/clock', headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the test clock’s control endpoint', () => {
  const clock = new AdjustableClock();
  let server: Awaited<ReturnType<AdjustableClock['serve']>>;
  let port: number;

  before(async () => {
    server = await clock.serve(0, []);
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const aDay = JSON.stringify({ offsetMs: 86_400_000 });
  const moved = () => Math.abs(clock.now() - Date.now()) > 60_000;

  it('refuses a rebinding Host (421) and a web page (403), and stays where it was', async () => {
    assert.equal(await put(port, aDay, { Host: 'rebind.example' }), 421);
    assert.equal(
      await put(port, aDay, { Host: `localhost:${port}`, Origin: 'http://localhost:4200' }),
      403,
    );
    assert.equal(moved(), false);
  });

  it('moves for the test runner on its loopback name (the ephemeral port it is bound to)', async () => {
    assert.equal(await put(port, aDay, { Host: `127.0.0.1:${port}` }), 204);
    assert.equal(moved(), true);
    assert.equal(await put(port, '{"offsetMs":0}', { Host: `localhost:${port}` }), 204);
    assert.equal(moved(), false);
  });
});
