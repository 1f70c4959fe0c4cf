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

export const statusOf = (sold: boolean): PetStatus => (sold ? 'sold' : 'available');
export const typeStatusOf = (type: string, status: PetStatus) => `${type}#${status}`;

/**
 * Write sharding: no partition key that many users' writes share (a status, a type)
 * may hold much of an index, since DynamoDB gives one partition-key value at most
 * 1,000 writes/s and an index that cannot keep up throttles the table's writes too.
 * So each status (and each type and status) is split into `petShards` partitions by a
 * hash of the pet's id, and a listing reads all of them and merges them in order
 * (lambda/store/shard-merge.ts).
 *
 * Why 24: no shared key may hold more than 5% of an index at 100,000 pets. The worst
 * store has every pet of one status and one type, so one shard holds 1/N of the
 * index: 20 would sit at 5.0% before the hash's spread (a shard's count varies by
 * ±1.5% of itself at this size), 21 or 22 within a few tenths of the line; 24 keeps
 * the largest at ~4.3%. It also spreads a flash sale of 10,000 purchases/s to ~420
 * writes/s per key, under half the limit. Reads pay for every shard: a page merges
 * all the shards of its status (2N without a status), each one Query of a few
 * entries (≤ limit + 1), and a Query has a fixed cost (0.5 read units at least in
 * DynamoDB, a millisecond or so locally) whatever it returns, so N is the smallest
 * count with room under both targets.
 */
export const petShards = 24;

/**
 * The shard of a pet: murmur3's 32-bit finaliser over both halves of the id, so ids
 * an admin picks in a pattern (every 32nd, say) still spread evenly. Stable forever:
 * changing it or `petShards` moves every pet, which needs a migration and a new
 * `shardLayout` (cursors are bound to it).
 */
export function shardOf(id: number): number {
  let h = (id >>> 0) ^ Math.imul(Math.floor(id / 2 ** 32), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % petShards;
}

/** Names this layout (hash and count) in cursors, so one made for another is refused. */
export const shardLayout = `m3x${petShards}`;

const shardSuffix = (shard: number) => `#${String(shard).padStart(2, '0')}`;

/** The partition of a status's shard: `available#07`. */
export const statusShardOf = (status: PetStatus, shard: number) => `${status}${shardSuffix(shard)}`;
/** The partition of a type and status's shard: `dog#available#07` (both suffixes are fixed forms). */
export const typeShardOf = (type: string, status: PetStatus, shard: number) =>
  `${typeStatusOf(type, status)}${shardSuffix(shard)}`;

/**
 * The indexes, by what they answer. The partition key is what a query filters on
 * (nothing, a status, or a type and a status) and a shard; the sort key what it orders
 * by. The unfiltered listing (the store front) has indexes of its own, keyed by the
 * shard alone, so its pages merge N partitions rather than both statuses' 2N; a sale
 * changes only their projected `isSold`, not their keys. The
 * price order's key is `priceKey`, unique per pet, so "after this key" is exact even
 * among pets of the same price, and the same in every shard of an index.
 */
export const petIndexes = {
  /** GET /pets by id (the default) without a filter; POST /pets's and purchase's read. */
  byShardId: { partition: 'shard', sort: 'id' },
  /** GET /pets by price without a filter. */
  byShardPrice: { partition: 'shard', sort: 'priceKey' },
  /** GET /pets?status= by id; GET /pets/sales (the sold shards). */
  byStatusShardId: { partition: 'statusShard', sort: 'id' },
  /** GET /pets?status= by price. */
  byStatusShardPrice: { partition: 'statusShard', sort: 'priceKey' },
  /** GET /pets?type= by id. */
  byTypeShardId: { partition: 'typeShard', sort: 'id' },
  /** GET /pets?type= by price. */
  byTypeShardPrice: { partition: 'typeShard', sort: 'priceKey' },
  /** A buyer's purchases (sparse: only sold pets have `soldTo`); one buyer's own key. */
  byBuyer: { partition: 'soldTo', sort: 'id' },
} as const;
export type PetIndexName = keyof typeof petIndexes;

const keyTypes = {
  id: 'N',
  shard: 'N',
  statusShard: 'S',
  priceKey: 'S',
  typeShard: 'S',
  soldTo: 'S',
} as const;

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
  /** shardOf(id): the unfiltered indexes' partition. */
  shard: number;
  /** `${status}#${shard}`: the status indexes' partition (statusShardOf). */
  statusShard: string;
  /** `${type}#${status}#${shard}`: the type indexes' partition (typeShardOf). */
  typeShard: string;
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

/**
 * The attributes that place a pet of this type and status in the indexes (all but
 * priceKey). A write sets all of them, even those it cannot change, so an item that
 * lacks one (an upsert that made it) is whole again after any write.
 */
export function placementOf(
  id: number,
  type: string,
  status: PetStatus,
): Pick<PetItem, 'shard' | 'status' | 'typeStatus' | 'statusShard' | 'typeShard'> {
  const shard = shardOf(id);
  return {
    shard,
    status,
    typeStatus: typeStatusOf(type, status),
    statusShard: statusShardOf(status, shard),
    typeShard: typeShardOf(type, status, shard),
  };
}

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
  const item: PetItem = {
    id: pet.id,
    type: pet.type,
    price: pet.price,
    ...placementOf(pet.id, pet.type, statusOf(sold)),
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
