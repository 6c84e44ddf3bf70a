import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROTATION_MATERIALS, type RotationMaterial } from '../metrics/operationsMetrics.js';

/** One JSON object per line, appended by each rotation; read by `status` and at startup for the metric. */
export const ROTATION_LOG_FILE = 'rotations.jsonl';

export interface RotationRecord {
  material: RotationMaterial;
  /** Unix milliseconds. */
  at: number;
  /** The backup taken before the rotation, relative to the data directory. */
  backup?: string;
}

export function recordRotation(dataDir: string, record: RotationRecord): void {
  appendFileSync(join(dataDir, ROTATION_LOG_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The last rotation of each material that was ever rotated (unknown or malformed lines are skipped). */
export function lastRotations(dataDir: string): Map<RotationMaterial, number> {
  let text: string;
  try {
    text = readFileSync(join(dataDir, ROTATION_LOG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const last = new Map<RotationMaterial, number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: Partial<RotationRecord>;
    try {
      record = JSON.parse(line) as Partial<RotationRecord>;
    } catch {
      // A line cut short by a crash during the append; the rotation it described did not complete.
      continue;
    }
    const material = ROTATION_MATERIALS.find((known) => known === record.material);
    if (material === undefined || typeof record.at !== 'number') continue;
    last.set(material, Math.max(record.at, last.get(material) ?? 0));
  }
  return last;
}
