import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredHosts, HostListError, isAllowedHost } from './host-check';

describe('the Host check against DNS rebinding', () => {
  it('allows the loopback names with the listener’s own port', () => {
    for (const host of ['localhost:4200', '127.0.0.1:4200', '[::1]:4200', 'LOCALHOST:4200']) {
      assert.equal(isAllowedHost(host, 4200, []), true, host);
    }
  });

  it('refuses a rebinding name, another port, no port, and no Host at all', () => {
    for (const host of ['rebind.example:4200', 'localhost:4201', 'localhost', '127.0.0.2:4200']) {
      assert.equal(isAllowedHost(host, 4200, []), false, host);
    }
    assert.equal(isAllowedHost(undefined, 4200, []), false);
  });

  it('allows the names the developer lists, and refuses a malformed list at start', () => {
    const extra = configuredHosts({ PETS_ALLOWED_HOSTS: 'pets.test:8080, Dev.Box:4200' });
    assert.deepEqual(extra, ['pets.test:8080', 'dev.box:4200']);
    assert.equal(isAllowedHost('dev.box:4200', 4200, extra), true);
    assert.throws(() => configuredHosts({ PETS_ALLOWED_HOSTS: 'pets.test' }), HostListError);
  });
});
