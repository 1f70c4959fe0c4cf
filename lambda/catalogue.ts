import { storeConfig } from './config';
import { CatalogueSnapshot } from './snapshot';
import { PetTable } from './pet-table';

const snapshots = new Map<string, CatalogueSnapshot>();

/** This container's snapshot of a table, if a purchase has made one. */
export function snapshotFor(tableName: string): CatalogueSnapshot | undefined {
  return snapshots.get(tableName);
}

/** This container's snapshot of the configured table, made on first use. */
export function snapshot(): CatalogueSnapshot {
  const { tableName, snapshotTtlMs } = storeConfig();
  let s = snapshots.get(tableName);
  if (!s) {
    const store = new PetTable(tableName);
    s = new CatalogueSnapshot(() => store.catalogue(), snapshotTtlMs);
    snapshots.set(tableName, s);
  }
  return s;
}

/** After a catalogue edit in this container, the next purchase reads afresh. */
export function forgetSnapshot(tableName: string): void {
  snapshots.delete(tableName);
}

/** Waits for this container's background snapshot reads, before closing the table's server. */
export async function snapshotsIdle(): Promise<void> {
  await Promise.all([...snapshots.values()].map((s) => s.idle()));
}
