/** Gives the run a directory where each part of the suite leaves its figures. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function globalSetup(): void {
  process.env.RELIABILITY_FIGURES_DIR = mkdtempSync(path.join(os.tmpdir(), 'cc-reliability-'));
  process.env.RELIABILITY_STARTED_AT = String(Date.now());
}
