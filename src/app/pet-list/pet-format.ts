import type { Pet } from '../../../api/pet';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export const formatPrice = (price: number): string => usd.format(price);

/** How messages name a pet: "the dog for $249.99". */
export const petLabel = (pet: Pick<Pet, 'type' | 'price'>): string =>
  `the ${pet.type} for ${formatPrice(pet.price)}`;
