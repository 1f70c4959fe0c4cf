import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { photoOf, type Pet, type PetPhoto } from './pet';
import type { PetStatus } from './pet-query';

/*
 * The pets table: how a pet is stored, one definition for the Lambdas, the local
 * cloud's table, the seed CLI and the CDK stack (which adds PAY_PER_REQUEST). One item
 * per pet keyed by its id, so a purchase or an admin's edit touches one item whatever
 * the store's size. Every read of many pets is a keyset-paged Query on one of the
 * indexes below; none is a Scan, so a page costs the same in a store of ten pets or of
 * a million. Plain data and functions (the SDK's types only), so every tier can read it.
 */

/** What a GSI page carries besides its keys: everything the API shows of a pet. */
const shown = ['type', 'price', 'isSold', 'soldTo', 'photo'] as const;

/**
 * The indexes, by what they answer. The partition key is what a query filters on
 * (a status, or a type and a status), the sort key what it orders by; the price
 * order's key is `priceKey`, unique per pet, so "after this key" is exact even among
 * pets of the same price.
 */
export const petIndexes = {
  /** GET /pets by id (the default), with or without a status; POST /pets's read. */
  byStatusId: { partition: 'status', sort: 'id' },
  /** GET /pets by price, with or without a status. */
  byStatusPrice: { partition: 'status', sort: 'priceKey' },
  /** GET /pets?type= by id. */
  byTypeStatusId: { partition: 'typeStatus', sort: 'id' },
  /** GET /pets?type= by price. */
  byTypeStatusPrice: { partition: 'typeStatus', sort: 'priceKey' },
  /** A buyer's purchases (sparse: only sold pets have `soldTo`). */
  byBuyer: { partition: 'soldTo', sort: 'id' },
} as const;
export type PetIndexName = keyof typeof petIndexes;

const keyTypes = { id: 'N', status: 'S', priceKey: 'S', typeStatus: 'S', soldTo: 'S' } as const;

/** The key design, read by the CDK stack (infra/lib/table.ts) and the local cloud (local/ensure-table.ts). */
export const tableSchema = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: Object.entries(keyTypes).map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  })),
  GlobalSecondaryIndexes: Object.entries(petIndexes).map(([IndexName, { partition, sort }]) => ({
    IndexName,
    KeySchema: [
      { AttributeName: partition, KeyType: 'HASH' },
      { AttributeName: sort, KeyType: 'RANGE' },
    ],
    // INCLUDE, not ALL: soldAt and the other index keys stay out of every index.
    // An index's own keys are projected anyway and may not be listed again.
    Projection: {
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: shown.filter((a: string) => a !== partition && a !== sort),
    },
  })),
} satisfies Pick<
  CreateTableCommandInput,
  'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'
>;

/** A pet as stored: the API's fields plus the index attributes derived from them. */
export interface PetItem {
  id: number;
  type: string;
  price: number;
  isSold?: true;
  soldTo?: string;
  /** ISO time of the sale; never shown by the API. */
  soldAt?: string;
  status: PetStatus;
  /** `${type}#${status}`: the status is a known suffix, so a `#` in a type is harmless. */
  typeStatus: string;
  /** Zero-padded cents and id: sorts by price, then id, and is unique per pet. */
  priceKey: string;
  photo?: PetPhoto;
  /** When the photo's upload reached S3 (ISO time): a photo of an older upload never replaces it. */
  photoAt?: string;
  /** Why the last upload was refused; for the admin's views only, never projected or public. */
  photoError?: PhotoError;
}

/** A refused upload: its key (the admin's form named it) and the reason shown to the admin. */
export interface PhotoError {
  key: string;
  reason: string;
  /** When the upload reached S3 (ISO time). */
  at: string;
}

export const statusOf = (sold: boolean): PetStatus => (sold ? 'sold' : 'available');
export const typeStatusOf = (type: string, status: PetStatus) => `${type}#${status}`;

/**
 * The sort key of the price indexes. Prices are whole cents up to 1e9 dollars (12
 * digits of cents), ids safe integers (16 digits), so fixed widths order as numbers do.
 */
export function priceKeyOf(price: number, id: number): string {
  const cents = Math.round(price * 100);
  return `${String(cents).padStart(12, '0')}#${String(id).padStart(16, '0')}`;
}

/** The pattern every priceKey matches (a cursor's `after` is checked against it). */
export const priceKeyPattern = /^\d{12}#\d{16}$/;

/**
 * The stored item of a pet: the one function every writer (the Lambdas, the seed CLI,
 * the local table's migration) uses, so the index attributes can never disagree with
 * the pet.
 */
export function petItem(pet: Pet, soldAt?: string): PetItem {
  const sold = pet.isSold === true;
  const status = statusOf(sold);
  const item: PetItem = {
    id: pet.id,
    type: pet.type,
    price: pet.price,
    status,
    typeStatus: typeStatusOf(pet.type, status),
    priceKey: priceKeyOf(pet.price, pet.id),
  };
  if (sold) {
    item.isSold = true;
    // An empty string cannot be an index key; a sale without a buyer stays out of byBuyer.
    if (pet.soldTo) item.soldTo = pet.soldTo;
    if (soldAt) item.soldAt = soldAt;
  }
  if (pet.photo) item.photo = pet.photo;
  return item;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A pet with its buyer, from an item of any schema version or an index entry: sale
 * time and index keys are dropped. Only for those who may see the buyer: the
 * migration (which writes it back), the buyer's own purchase, GET /pets/sales (admin)
 * and POST /pets/mine (the buyer). Public answers use toPublicPet.
 */
export function toPet(item: Record<string, unknown>): Pet {
  const pet: Pet = {
    id: Number(item['id']),
    type: String(item['type']),
    price: Number(item['price']),
  };
  if (item['isSold'] === true) {
    pet.isSold = true;
    const soldTo = stringOrUndefined(item['soldTo']);
    if (soldTo) pet.soldTo = soldTo;
  }
  const photo = photoOf(item['photo']);
  if (photo) pet.photo = photo;
  return pet;
}
