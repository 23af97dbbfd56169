import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";

const BLOCK = 64 * 1024 * 1024;

/**
 * Writes `size` bytes of incompressible-looking data quickly: one 64 MiB random
 * block repeated, each copy stamped with its index every 4 KiB so no two
 * blocks (and no two pages) are identical.
 */
export async function writeDataFile(file, size) {
  const block = randomBytes(BLOCK);
  const handle = await open(file, "w");
  try {
    for (let offset = 0, index = 0; offset < size; offset += BLOCK, index++) {
      for (let page = 0; page < BLOCK; page += 4096) {
        block.writeUInt32LE(index, page);
      }
      const length = Math.min(BLOCK, size - offset);
      await handle.write(block, 0, length, offset);
    }
  } finally {
    await handle.close();
  }
}
