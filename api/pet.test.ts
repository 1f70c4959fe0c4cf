import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPetId, petIdOfText, petRules, priceProblem, toPublicPet, typeProblem } from './pet';

describe('pet rules', () => {
  it('takes positive safe integers as ids', () => {
    for (const id of [1, 42, Number.MAX_SAFE_INTEGER]) assert.ok(isPetId(id), String(id));
    for (const id of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, '1', null, NaN]) {
      assert.ok(!isPetId(id), String(id));
    }
  });

  it('reads an id in a path as plain decimal digits of a positive safe integer', () => {
    assert.equal(petIdOfText('42'), 42);
    assert.equal(petIdOfText(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
    const malformed = ['abc', '-1', '0', '1.5', '0x10', '1e3', '01', '+1', ' 1', '１'];
    for (const text of [...malformed, '12345678901234567', '9007199254740992', '', '\uD800']) {
      assert.equal(petIdOfText(text), undefined, JSON.stringify(text));
    }
    assert.equal(petIdOfText(undefined), undefined);
    assert.equal(petIdOfText(null), undefined);
  });

  it('wants a type of 1 to 40 characters once trimmed', () => {
    assert.equal(typeProblem('dog'), null);
    assert.equal(typeProblem(`  ${'x'.repeat(petRules.maxTypeLength)}  `), null);
    assert.equal(typeProblem('x'.repeat(petRules.maxTypeLength + 1)), 'tooLong');
    assert.equal(typeProblem('   '), 'empty');
    assert.equal(typeProblem(7), 'missing');
    assert.equal(typeProblem(undefined), 'missing');
  });

  it('wants a type of well-formed Unicode: every UTF-16 surrogate in a pair', () => {
    assert.equal(typeProblem('\u{1F408} cat'), null, 'a pair (an emoji) is text');
    assert.equal(typeProblem('caf\u00e9'), null);
    for (const lone of ['cat\ud800', '\udc00cat', 'c\ud83da\udc08t', '\udc08\ud83d']) {
      assert.equal(typeProblem(lone), 'notText', JSON.stringify(lone));
    }
    // The length is judged first, so an over-long type is "tooLong" whatever it holds.
    assert.equal(typeProblem(`${'x'.repeat(petRules.maxTypeLength)}\ud800`), 'tooLong');
  });

  it('takes prices from 0 to a billion dollars in whole cents', () => {
    for (const price of [0, 0.01, 0.99, 249.99, 1234.5, 19.99 * 3, petRules.maxPrice]) {
      assert.equal(priceProblem(price), null, String(price));
    }
    assert.equal(priceProblem(-0.01), 'negative');
    assert.equal(priceProblem(petRules.maxPrice + 0.01), 'tooHigh');
    assert.equal(priceProblem(0.999), 'tooPrecise');
    assert.equal(priceProblem(249.995), 'tooPrecise');
    assert.equal(priceProblem(Infinity), 'notFinite');
    assert.equal(priceProblem(NaN), 'notFinite');
    assert.equal(priceProblem('249.99'), 'missing');
  });
});

describe('the public view of a pet', () => {
  it('keeps whether a pet is sold and drops its buyer, its sale time and any other field', () => {
    const stored = {
      id: 7,
      type: 'cat',
      price: 12.5,
      isSold: true,
      soldTo: 'buyer@example.com',
      soldAt: '2026-12-01T10:00:00.000Z',
      status: 'sold',
    };
    assert.deepEqual(toPublicPet(stored), { id: 7, type: 'cat', price: 12.5, isSold: true });
    assert.deepEqual(toPublicPet({ id: 8, type: 'dog', price: 0, isSold: false }), {
      id: 8,
      type: 'dog',
      price: 0,
    });
  });
});
