;; Dense-layer kernels in WebAssembly with f64x2 SIMD: the WASM twins of the four-row blocks of
;; LinearLayer.forwardJet and LinearLayer.backwardRows (src/layers/linear.ts). The caller runs the rows
;; past the last whole block of four in JS.
;;
;; Bit-identity with the JS loops rests on two rules:
;; - two outputs q, q+1 share one f64x2 instruction, which is two independent IEEE-754 operations (no
;;   FMA, no relaxed SIMD), and each output gets the operations of the JS loop in its order;
;; - sums over q (the input gradients) are carried per row, rows (r, r+1) and (r+2, r+3) in the two lanes of
;;   one vector, and add the products in q order.
;;
;; Pointers are byte offsets into the imported memory; arrays are f64. W is input-major, W[p*Q + q], the
;; bias (Q entries) at $b. Rows r: x[r*P + p], y and gy [r*Q + q], gx[r*P + p].
;;
;; Assembled by `npm run build:wasm` (scripts/build-wasm.mjs, wabt) into linear-bytes.ts.
(module
  (import "env" "mem" (memory 1))

  ;; ---------------------------------------------------------------------------------------------------
  ;; fwd: for the first R4 rows (a multiple of 4), y[r][q] = (bias[q] if hasBias and r % C == 0, else 0)
  ;; + x[r][0] W[0][q] + x[r][1] W[1][q] + ... added left to right.
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "fwd")
    (param $P i32) (param $Q i32) (param $w i32) (param $b i32) (param $x i32) (param $y i32)
    (param $R4 i32) (param $C i32) (param $hasBias i32)
    (local $r i32) (local $q i32) (local $p i32) (local $Q8 i32) (local $P8 i32) (local $Qe i32)
    (local $x0 i32) (local $y0 i32) (local $wq i32) (local $xp i32)
    (local $hb0 i32) (local $hb1 i32) (local $hb2 i32) (local $hb3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $u v128) (local $bq v128)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $us f64) (local $bs f64)
    (local.set $Q8 (i32.shl (local.get $Q) (i32.const 3)))
    (local.set $P8 (i32.shl (local.get $P) (i32.const 3)))
    (local.set $Qe (i32.shl (i32.and (local.get $Q) (i32.const -2)) (i32.const 3)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R4)))
      (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $P8))))
      (local.set $y0 (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $Q8))))
      (local.set $hb0 (i32.and (local.get $hasBias)
        (i32.eqz (i32.rem_u (local.get $r) (local.get $C)))))
      (local.set $hb1 (i32.and (local.get $hasBias)
        (i32.eqz (i32.rem_u (i32.add (local.get $r) (i32.const 1)) (local.get $C)))))
      (local.set $hb2 (i32.and (local.get $hasBias)
        (i32.eqz (i32.rem_u (i32.add (local.get $r) (i32.const 2)) (local.get $C)))))
      (local.set $hb3 (i32.and (local.get $hasBias)
        (i32.eqz (i32.rem_u (i32.add (local.get $r) (i32.const 3)) (local.get $C)))))
      ;; two outputs at a time
      (local.set $q (i32.const 0))
      (block $qdone (loop $qloop
        (br_if $qdone (i32.ge_u (local.get $q) (local.get $Qe)))
        (local.set $bq (v128.const i64x2 0 0))
        (if (local.get $hasBias) (then (local.set $bq (v128.load (i32.add (local.get $b) (local.get $q))))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (if (local.get $hb0) (then (local.set $a0 (local.get $bq))))
        (if (local.get $hb1) (then (local.set $a1 (local.get $bq))))
        (if (local.get $hb2) (then (local.set $a2 (local.get $bq))))
        (if (local.get $hb3) (then (local.set $a3 (local.get $bq))))
        (local.set $wq (i32.add (local.get $w) (local.get $q)))
        (local.set $xp (local.get $x0))
        (local.set $p (i32.const 0))
        (block $pdone (loop $ploop
          (br_if $pdone (i32.ge_s (local.get $p) (local.get $P)))
          (local.set $u (v128.load (local.get $wq)))
          (local.set $a0 (f64x2.add (local.get $a0)
            (f64x2.mul (v128.load64_splat (local.get $xp)) (local.get $u))))
          (local.set $a1 (f64x2.add (local.get $a1)
            (f64x2.mul (v128.load64_splat (i32.add (local.get $xp) (local.get $P8))) (local.get $u))))
          (local.set $a2 (f64x2.add (local.get $a2)
            (f64x2.mul (v128.load64_splat (i32.add (local.get $xp) (i32.shl (local.get $P8) (i32.const 1))))
              (local.get $u))))
          (local.set $a3 (f64x2.add (local.get $a3)
            (f64x2.mul (v128.load64_splat (i32.add (local.get $xp) (i32.mul (local.get $P8) (i32.const 3))))
              (local.get $u))))
          (local.set $wq (i32.add (local.get $wq) (local.get $Q8)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $ploop)))
        (v128.store (i32.add (local.get $y0) (local.get $q)) (local.get $a0))
        (v128.store (i32.add (i32.add (local.get $y0) (local.get $Q8)) (local.get $q)) (local.get $a1))
        (v128.store (i32.add (i32.add (local.get $y0) (i32.shl (local.get $Q8) (i32.const 1))) (local.get $q))
          (local.get $a2))
        (v128.store (i32.add (i32.add (local.get $y0) (i32.mul (local.get $Q8) (i32.const 3))) (local.get $q))
          (local.get $a3))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $qloop)))
      ;; the last output when Q is odd
      (if (i32.lt_u (local.get $q) (local.get $Q8)) (then
        (local.set $bs (f64.const 0))
        (if (local.get $hasBias) (then (local.set $bs (f64.load (i32.add (local.get $b) (local.get $q))))))
        (local.set $s0 (f64.const 0))
        (local.set $s1 (f64.const 0))
        (local.set $s2 (f64.const 0))
        (local.set $s3 (f64.const 0))
        (if (local.get $hb0) (then (local.set $s0 (local.get $bs))))
        (if (local.get $hb1) (then (local.set $s1 (local.get $bs))))
        (if (local.get $hb2) (then (local.set $s2 (local.get $bs))))
        (if (local.get $hb3) (then (local.set $s3 (local.get $bs))))
        (local.set $wq (i32.add (local.get $w) (local.get $q)))
        (local.set $xp (local.get $x0))
        (local.set $p (i32.const 0))
        (block $pdone2 (loop $ploop2
          (br_if $pdone2 (i32.ge_s (local.get $p) (local.get $P)))
          (local.set $us (f64.load (local.get $wq)))
          (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (local.get $xp)) (local.get $us))))
          (local.set $s1 (f64.add (local.get $s1)
            (f64.mul (f64.load (i32.add (local.get $xp) (local.get $P8))) (local.get $us))))
          (local.set $s2 (f64.add (local.get $s2)
            (f64.mul (f64.load (i32.add (local.get $xp) (i32.shl (local.get $P8) (i32.const 1))))
              (local.get $us))))
          (local.set $s3 (f64.add (local.get $s3)
            (f64.mul (f64.load (i32.add (local.get $xp) (i32.mul (local.get $P8) (i32.const 3))))
              (local.get $us))))
          (local.set $wq (i32.add (local.get $wq) (local.get $Q8)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $ploop2)))
        (f64.store (i32.add (local.get $y0) (local.get $q)) (local.get $s0))
        (f64.store (i32.add (i32.add (local.get $y0) (local.get $Q8)) (local.get $q)) (local.get $s1))
        (f64.store (i32.add (i32.add (local.get $y0) (i32.shl (local.get $Q8) (i32.const 1))) (local.get $q))
          (local.get $s2))
        (f64.store (i32.add (i32.add (local.get $y0) (i32.mul (local.get $Q8) (i32.const 3))) (local.get $q))
          (local.get $s3))))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
  )

  ;; ---------------------------------------------------------------------------------------------------
  ;; bwd: for the first R4 rows (a multiple of 4), four rows at a time: for each p,
  ;;   g[p][q] = (((g[p][q] + x[r][p] gy[r][q]) + x[r+1][p] gy[r+1][q]) + ...) for q = 0..Q-1,
  ;;   gx[r+k][p] = sum_q W[p][q] gy[r+k][q] in q order (if hasGx),
  ;; then the bias rows (hasBias, (r + k) % biasEvery == 0): gb[q] += gy[r+k][q] in k order (gb: the
  ;; bias gradient).
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "bwd")
    (param $P i32) (param $Q i32) (param $w i32) (param $gb i32) (param $x i32) (param $gy i32)
    (param $gx i32) (param $hasGx i32) (param $g i32) (param $R4 i32) (param $biasEvery i32)
    (param $hasBias i32)
    (local $r i32) (local $q i32) (local $p i32) (local $k i32) (local $Q8 i32) (local $P8 i32) (local $Qe i32)
    (local $x0 i32) (local $g0 i32) (local $wp i32) (local $gp i32) (local $gk i32) (local $gxr i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)
    (local $u v128) (local $acc01 v128) (local $acc23 v128)
    (local $us f64)
    (local.set $Q8 (i32.shl (local.get $Q) (i32.const 3)))
    (local.set $P8 (i32.shl (local.get $P) (i32.const 3)))
    (local.set $Qe (i32.shl (i32.and (local.get $Q) (i32.const -2)) (i32.const 3)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $R4)))
      (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $P8))))
      (local.set $g0 (i32.add (local.get $gy) (i32.mul (local.get $r) (local.get $Q8))))
      (local.set $p (i32.const 0))
      (block $pdone (loop $ploop
        (br_if $pdone (i32.ge_s (local.get $p) (local.get $P)))
        (local.set $v0 (v128.load64_splat (i32.add (local.get $x0) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $v1 (v128.load64_splat
          (i32.add (i32.add (local.get $x0) (local.get $P8)) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $v2 (v128.load64_splat
          (i32.add (i32.add (local.get $x0) (i32.shl (local.get $P8) (i32.const 1)))
            (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $v3 (v128.load64_splat
          (i32.add (i32.add (local.get $x0) (i32.mul (local.get $P8) (i32.const 3)))
            (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $p) (local.get $Q8))))
        (local.set $gp (i32.add (local.get $g) (i32.mul (local.get $p) (local.get $Q8))))
        (local.set $acc01 (v128.const i64x2 0 0))
        (local.set $acc23 (v128.const i64x2 0 0))
        (local.set $q (i32.const 0))
        (block $qdone (loop $qloop
          (br_if $qdone (i32.ge_u (local.get $q) (local.get $Qe)))
          (local.set $e0 (v128.load (i32.add (local.get $g0) (local.get $q))))
          (local.set $e1 (v128.load (i32.add (i32.add (local.get $g0) (local.get $Q8)) (local.get $q))))
          (local.set $e2 (v128.load
            (i32.add (i32.add (local.get $g0) (i32.shl (local.get $Q8) (i32.const 1))) (local.get $q))))
          (local.set $e3 (v128.load
            (i32.add (i32.add (local.get $g0) (i32.mul (local.get $Q8) (i32.const 3))) (local.get $q))))
          (v128.store (i32.add (local.get $gp) (local.get $q))
            (f64x2.add (f64x2.add (f64x2.add (f64x2.add
              (v128.load (i32.add (local.get $gp) (local.get $q)))
              (f64x2.mul (local.get $v0) (local.get $e0)))
              (f64x2.mul (local.get $v1) (local.get $e1)))
              (f64x2.mul (local.get $v2) (local.get $e2)))
              (f64x2.mul (local.get $v3) (local.get $e3))))
          (local.set $u (v128.load (i32.add (local.get $wp) (local.get $q))))
          ;; output q: lanes (row r, row r+1) and (row r+2, row r+3); then output q+1
          (local.set $acc01 (f64x2.add (local.get $acc01)
            (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1)))))
          (local.set $acc23 (f64x2.add (local.get $acc23)
            (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e2) (local.get $e3)))))
          (local.set $acc01 (f64x2.add (local.get $acc01)
            (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)))))
          (local.set $acc23 (f64x2.add (local.get $acc23)
            (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e2) (local.get $e3)))))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br $qloop)))
        ;; the last output when Q is odd
        (if (i32.lt_u (local.get $q) (local.get $Q8)) (then
          (local.set $e0 (f64x2.replace_lane 1
            (v128.load64_splat (i32.add (local.get $g0) (local.get $q)))
            (f64.load (i32.add (i32.add (local.get $g0) (local.get $Q8)) (local.get $q)))))
          (local.set $e2 (f64x2.replace_lane 1
            (v128.load64_splat
              (i32.add (i32.add (local.get $g0) (i32.shl (local.get $Q8) (i32.const 1))) (local.get $q)))
            (f64.load
              (i32.add (i32.add (local.get $g0) (i32.mul (local.get $Q8) (i32.const 3))) (local.get $q)))))
          (f64.store (i32.add (local.get $gp) (local.get $q))
            (f64.add (f64.add (f64.add (f64.add
              (f64.load (i32.add (local.get $gp) (local.get $q)))
              (f64.mul (f64x2.extract_lane 0 (local.get $v0)) (f64x2.extract_lane 0 (local.get $e0))))
              (f64.mul (f64x2.extract_lane 0 (local.get $v1)) (f64x2.extract_lane 1 (local.get $e0))))
              (f64.mul (f64x2.extract_lane 0 (local.get $v2)) (f64x2.extract_lane 0 (local.get $e2))))
              (f64.mul (f64x2.extract_lane 0 (local.get $v3)) (f64x2.extract_lane 1 (local.get $e2)))))
          (local.set $u (v128.load64_splat (i32.add (local.get $wp) (local.get $q))))
          (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (local.get $u) (local.get $e0))))
          (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (local.get $u) (local.get $e2))))))
        (if (local.get $hasGx) (then
          (local.set $gxr (i32.add (i32.add (local.get $gx) (i32.mul (local.get $r) (local.get $P8)))
            (i32.shl (local.get $p) (i32.const 3))))
          (f64.store (local.get $gxr) (f64x2.extract_lane 0 (local.get $acc01)))
          (f64.store (i32.add (local.get $gxr) (local.get $P8)) (f64x2.extract_lane 1 (local.get $acc01)))
          (f64.store (i32.add (local.get $gxr) (i32.shl (local.get $P8) (i32.const 1)))
            (f64x2.extract_lane 0 (local.get $acc23)))
          (f64.store (i32.add (local.get $gxr) (i32.mul (local.get $P8) (i32.const 3)))
            (f64x2.extract_lane 1 (local.get $acc23)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ploop)))
      ;; bias rows of the block, in row order
      (if (local.get $hasBias) (then
        (local.set $k (i32.const 0))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.ge_s (local.get $k) (i32.const 4)))
          (if (i32.eqz (i32.rem_u (i32.add (local.get $r) (local.get $k)) (local.get $biasEvery))) (then
            (local.set $gk (i32.add (local.get $g0) (i32.mul (local.get $k) (local.get $Q8))))
            (local.set $q (i32.const 0))
            (block $bdone (loop $bloop
              (br_if $bdone (i32.ge_u (local.get $q) (local.get $Qe)))
              (v128.store (i32.add (local.get $gb) (local.get $q))
                (f64x2.add (v128.load (i32.add (local.get $gb) (local.get $q)))
                  (v128.load (i32.add (local.get $gk) (local.get $q)))))
              (local.set $q (i32.add (local.get $q) (i32.const 16)))
              (br $bloop)))
            (if (i32.lt_u (local.get $q) (local.get $Q8)) (then
              (f64.store (i32.add (local.get $gb) (local.get $q))
                (f64.add (f64.load (i32.add (local.get $gb) (local.get $q)))
                  (f64.load (i32.add (local.get $gk) (local.get $q)))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kloop)))))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
  )
)
