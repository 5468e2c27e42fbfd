import { describe, expect, it } from "vitest";
import {
  PEER_PDE_EXPERIMENTS,
  peerFacts,
  peerPdeProblem,
  peerPdeSettings,
  runPeerPde,
} from "../../src/experiments/pde-peers.js";
import { KAN } from "../../src/model/kan.js";

describe("the peers' PDE examples, quick budgets (robust facts only)", () => {
  for (const name of PEER_PDE_EXPERIMENTS) {
    it(`${name}: refinement keeps the loss to 1e-12 relative and the error falls across levels`, () => {
      const s = peerPdeSettings(name, true);
      s.rows = ["kan-multilevel", "kan-fine"];
      const run = runPeerPde(s);
      const facts = peerFacts(run.result);
      expect(facts.refinementJump).not.toBeNull();
      expect(facts.refinementJump as number).toBeLessThanOrEqual(1e-12);
      expect(facts.levelErrors.length).toBe(s.grids.length);
      expect(facts.levelErrors[facts.levelErrors.length - 1]).toBeLessThan(facts.levelErrors[0]);
      expect(run.result.rows.map((r) => r.params)).toEqual([
        run.models["kan-multilevel"]?.paramCount,
        run.models["kan-fine"]?.paramCount,
      ]);
      for (const r of run.result.rows) expect(Number.isFinite(r.metrics.relL2.mean)).toBe(true);
    }, 60_000);
  }

  it("problems match the peers' set-ups: points, exact solutions satisfy the PDE", () => {
    const s = peerPdeSettings("pykan-poisson");
    const p = peerPdeProblem(s);
    expect(p.termPoints("pde").length / 2).toBe(2601);
    expect(p.termPoints("boundary").length / 2).toBe(204);
    const h = peerPdeProblem(peerPdeSettings("helmholtz"));
    expect(h.termPoints("pde").length / 2).toBe(4096);
    // A model that is (almost) zero has boundary loss ~0 and PDE loss = weight * mean(f^2).
    for (const name of PEER_PDE_EXPERIMENTS) {
      const st = peerPdeSettings(name, true);
      const pr = peerPdeProblem(st);
      const m = new KAN({ width: st.width, grid: 3, initStd: 1e-12 });
      const parts = pr.termLosses(m);
      expect(parts.boundary).toBeLessThan(1e-12);
      expect(parts.pde).toBeGreaterThan(0);
    }
  });

  it("bad experiment names are rejected with the known ones", () => {
    expect(() => peerPdeSettings("nope" as never)).toThrow(
      /unknown PDE experiment "nope" \(known: pykan-poisson/,
    );
  });
});
