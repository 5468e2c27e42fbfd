// Basis-evaluation benchmark (evaluations per second, r = 4, G = 5 and 1000, batch 1e5).
// Run after `npm run build`: node bench/basis.mjs   (same as: node dist/cli/main.js bench basis)
import { basisBenchmark } from "../dist/bench/basis.js";

const rows = basisBenchmark({ batch: 100_000, repeats: 15 });
console.table(rows.map((r) => ({ ...r, evalsPerSec: Math.round(r.evalsPerSec) })));
