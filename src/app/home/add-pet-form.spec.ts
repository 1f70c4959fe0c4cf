import { priceProblem, typeProblem } from './add-pet-form';

describe('add form validation', () => {
  it('checks the price', () => {
    expect(priceProblem('')).toBe('Enter a price.');
    expect(priceProblem('abc')).toContain('as a number');
    expect(priceProblem('1.234')).toContain('two decimals');
    // A free adoption is a listing too: the API accepts 0, so the form does.
    expect(priceProblem('0')).toBeNull();
    expect(priceProblem('1000000000.01')).toBe('The price must be at most $1,000,000,000.00.');
    expect(priceProblem(' 249.99 ')).toBeNull();
  });

  it('checks the type', () => {
    expect(typeProblem(' ')).toBe('Enter the type of pet.');
    expect(typeProblem('x'.repeat(41))).toContain('40');
    expect(typeProblem('dog')).toBeNull();
    expect(typeProblem('cat\ud800')).toContain('must be text');
    expect(typeProblem('\ud83d\udc08 cat')).toBeNull();
  });
});
