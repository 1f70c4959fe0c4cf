import { petRules } from '../../../api/pet';
import { formatPrice } from './pet-format';

describe('a price as the app shows it', () => {
  it("reads as Intl's en-US dollars for every price a pet can have", () => {
    const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
    const prices = [0, 0.01, 0.1 + 0.2, 0.5, 9.99, 249.99, 1000, 1234.5, 99_999.99];
    prices.push(1_000_000, 123_456_789.01, petRules.maxPrice - 0.01, petRules.maxPrice);
    // Whole cents spread over the whole range.
    for (let i = 1; i <= 2000; i++)
      prices.push(((i * 7_919_993_071) % (petRules.maxPrice * 100)) / 100);
    for (const price of prices)
      expect(formatPrice(price)).withContext(`${price}`).toBe(usd.format(price));
  });
});
