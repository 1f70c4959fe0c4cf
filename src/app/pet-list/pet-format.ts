import type { Pet } from '../../../api/pet';

/**
 * A price in US dollars, "$1,234.50". Written out rather than with
 * Intl.NumberFormat: the first currency formatter a page creates loads ICU's currency
 * data, 20-40 ms of main thread in Chromium on a desktop and several times that on a
 * phone, in the task that renders the first page. For every price a pet can have (0 to
 * petRules.maxPrice, whole cents) the text is the same, which pet-format.spec.ts
 * checks against Intl.
 */
export const formatPrice = (price: number): string =>
  `$${price.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;

/** How messages name a pet: "the dog for $249.99". */
export const petLabel = (pet: Pick<Pet, 'type' | 'price'>): string =>
  `the ${pet.type} for ${formatPrice(pet.price)}`;
