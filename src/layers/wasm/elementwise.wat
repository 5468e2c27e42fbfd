;; Elementwise-layer kernels in WebAssembly: the WASM twins of ElementwiseLayer's forward, backward,
;; forwardJet and backwardJet (src/layers/elementwise.ts, jet-channels.ts) for tanh and sigmoid.
;;
;; Bit-identity with the JS loops rests on four rules:
;; - tanh, expm1 and exp are fdlibm's algorithms (the ones V8's Math.tanh and Math.exp run), written
;;   operation for operation, so they return Math.tanh's and Math.exp's bits; sigmoid is the JS `sigmoid`;
;; - $tanh2 and $sigmoid2 run the same operations on two lanes of f64x2, fdlibm's branches becoming lane
;;   selects, for the arguments where that holds (|x| in [2^-28, 22) for tanh, |x| < 512 for sigmoid);
;;   a pair with another argument goes through the scalar functions. fwd, bwd and the factor cache take
;;   two entries (two units of a sample) a step, an odd last one alone;
;; - every derived number gets the operations of the JS loop in its order (no FMA, no relaxed SIMD);
;; - in the jet kernels two units p, p+1 share one f64x2 instruction (two independent IEEE-754
;;   operations), units in pairs and the odd last unit alone.
;;
;; Pointers are byte offsets into the imported memory; arrays are f64. Jet layout: sample s, channel c,
;; unit p at x[(s C + c) W + p]; gy and gx start at the block's first sample. The factor cache f holds
;; scale f', scale f'', scale f''' as three planes of n = rows W entries: f[s W + p], f[n + s W + p],
;; f[2n + s W + p]. The pair table holds pairK[0..M) then pairL[0..M) as i32.
;; kind: 0 tanh, 1 sigmoid.
;;
;; Assembled by `npm run build:wasm` (scripts/build-wasm.mjs, wabt) into elementwise-bytes.ts.
(module
  (import "env" "mem" (memory 1))
  ;; f64x2 constants of the two-lane tanh and sigmoid (fdlibm's thresholds as bit patterns; Q1-Q5 are
  ;; expm1's coefficients, P1-P5 exp's; BIAS the exponent bias 1023)
  (global $TINY v128 (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))
  (global $C22 v128 (v128.const f64x2 22 22))
  (global $ONE v128 (v128.const f64x2 1 1))
  (global $TWO v128 (v128.const f64x2 2 2))
  (global $M_TWO v128 (v128.const f64x2 -2 -2))
  (global $ZERO v128 (v128.const f64x2 0 0))
  (global $M_ONE v128 (v128.const f64x2 -1 -1))
  (global $INVLN2 v128 (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
  (global $M_HALF v128 (v128.const f64x2 -0.5 -0.5))
  (global $HALF v128 (v128.const f64x2 0.5 0.5))
  (global $K_ONE_MAX v128 (v128.const i64x2 0x3FF0A2B200000000 0x3FF0A2B200000000))
  (global $K_ZERO_MAX v128 (v128.const i64x2 0x3FD62E4300000000 0x3FD62E4300000000))
  (global $LN2HI v128 (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
  (global $LN2LO v128 (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
  (global $Q1 v128 (v128.const f64x2 -3.33333333333331316428e-02 -3.33333333333331316428e-02))
  (global $Q2 v128 (v128.const f64x2 1.58730158725481460165e-03 1.58730158725481460165e-03))
  (global $Q3 v128 (v128.const f64x2 -7.93650757867487942473e-05 -7.93650757867487942473e-05))
  (global $Q4 v128 (v128.const f64x2 4.00821782732936239552e-06 4.00821782732936239552e-06))
  (global $Q5 v128 (v128.const f64x2 -2.01099218183624371326e-07 -2.01099218183624371326e-07))
  (global $THREE v128 (v128.const f64x2 3 3))
  (global $SIX v128 (v128.const f64x2 6 6))
  (global $BIAS v128 (v128.const i64x2 1023 1023))
  (global $TWENTY v128 (v128.const f64x2 20 20))
  (global $FIFTYSIX v128 (v128.const f64x2 56 56))
  (global $SIGN v128 (v128.const i64x2 0x8000000000000000 0x8000000000000000))
  (global $C512 v128 (v128.const f64x2 512 512))
  (global $P1 v128 (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01))
  (global $P2 v128 (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03))
  (global $P3 v128 (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05))
  (global $P4 v128 (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06))
  (global $P5 v128 (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))

  ;; ---------------------------------------------------------------------------------------------------
  ;; expm1(x) = exp(x) - 1, fdlibm s_expm1.c.
  ;; ---------------------------------------------------------------------------------------------------
  (func $expm1 (export "expm1") (param $x f64) (result f64)
    (local $hx i32) (local $xsb i32) (local $k i32)
    (local $hi f64) (local $lo f64) (local $c f64) (local $t f64) (local $e f64) (local $y f64)
    (local $hfx f64) (local $hxs f64) (local $r1 f64) (local $twopk f64)
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $xsb (i32.and (local.get $hx) (i32.const 0x80000000)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    ;; huge and non-finite arguments
    (if (i32.ge_u (local.get $hx) (i32.const 0x4043687A)) (then
      (if (i32.ge_u (local.get $hx) (i32.const 0x40862E42)) (then
        (if (i32.ge_u (local.get $hx) (i32.const 0x7FF00000)) (then
          (if (i32.ne (i32.or (i32.and (local.get $hx) (i32.const 0xFFFFF)) (i32.wrap_i64 (i64.reinterpret_f64 (local.get $x))))
                (i32.const 0))
            (then (return (f64.add (local.get $x) (local.get $x)))))
          (if (i32.eqz (local.get $xsb)) (then (return (local.get $x))))
          (return (f64.const -1))))
        (if (f64.gt (local.get $x) (f64.const 7.09782712893383973096e+02))
          (then (return (f64.const inf))))))
      (if (i32.ne (local.get $xsb) (i32.const 0)) (then
        (if (f64.lt (f64.add (local.get $x) (f64.const 1.0e-300)) (f64.const 0))
          (then (return (f64.sub (f64.const 1.0e-300) (f64.const 1)))))))))
    ;; argument reduction
    (if (i32.gt_u (local.get $hx) (i32.const 0x3FD62E42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3FF0A2B2))
          (then
            (if (i32.eqz (local.get $xsb))
              (then
                (local.set $hi (f64.sub (local.get $x) (f64.const 6.93147180369123816490e-01)))
                (local.set $lo (f64.const 1.90821492927058770002e-10))
                (local.set $k (i32.const 1)))
              (else
                (local.set $hi (f64.add (local.get $x) (f64.const 6.93147180369123816490e-01)))
                (local.set $lo (f64.const -1.90821492927058770002e-10))
                (local.set $k (i32.const -1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add
              (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x))
              (select (f64.const 0.5) (f64.const -0.5) (i32.eqz (local.get $xsb))))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x)
              (f64.mul (local.get $t) (f64.const 6.93147180369123816490e-01))))
            (local.set $lo (f64.mul (local.get $t) (f64.const 1.90821492927058770002e-10)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo)))
        (local.set $c (f64.sub (f64.sub (local.get $hi) (local.get $x)) (local.get $lo))))
      (else
        ;; |x| < 2^-54: x itself (x - (t - (huge + x)) with t = huge + x)
        (if (i32.lt_u (local.get $hx) (i32.const 0x3C900000)) (then (return (local.get $x))))
        (local.set $k (i32.const 0))))
    ;; x in the primary range
    (local.set $hfx (f64.mul (f64.const 0.5) (local.get $x)))
    (local.set $hxs (f64.mul (local.get $x) (local.get $hfx)))
    (local.set $r1 (f64.add (f64.const 1)
      (f64.mul (local.get $hxs)
        (f64.add (f64.const -3.33333333333331316428e-02)
          (f64.mul (local.get $hxs)
            (f64.add (f64.const 1.58730158725481460165e-03)
              (f64.mul (local.get $hxs)
                (f64.add (f64.const -7.93650757867487942473e-05)
                  (f64.mul (local.get $hxs)
                    (f64.add (f64.const 4.00821782732936239552e-06)
                      (f64.mul (local.get $hxs) (f64.const -2.01099218183624371326e-07))))))))))))
    (local.set $t (f64.sub (f64.const 3) (f64.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64.mul (local.get $hxs)
      (f64.div (f64.sub (local.get $r1) (local.get $t))
        (f64.sub (f64.const 6) (f64.mul (local.get $x) (local.get $t))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (local.get $x) (f64.sub (f64.mul (local.get $x) (local.get $e)) (local.get $hxs))))))
    (local.set $twopk (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.add (i32.const 0x3FF00000) (i32.shl (local.get $k) (i32.const 20)))) (i64.const 32))))
    (local.set $e (f64.sub (f64.mul (local.get $x) (f64.sub (local.get $e) (local.get $c))) (local.get $c)))
    (local.set $e (f64.sub (local.get $e) (local.get $hxs)))
    (if (i32.eq (local.get $k) (i32.const -1)) (then
      (return (f64.sub (f64.mul (f64.const 0.5) (f64.sub (local.get $x) (local.get $e))) (f64.const 0.5)))))
    (if (i32.eq (local.get $k) (i32.const 1)) (then
      (if (f64.lt (local.get $x) (f64.const -0.25)) (then
        (return (f64.mul (f64.const -2)
          (f64.sub (local.get $e) (f64.add (local.get $x) (f64.const 0.5)))))))
      (return (f64.add (f64.const 1) (f64.mul (f64.const 2) (f64.sub (local.get $x) (local.get $e)))))))
    (if (i32.or (i32.le_s (local.get $k) (i32.const -2)) (i32.gt_s (local.get $k) (i32.const 56))) (then
      (local.set $y (f64.sub (f64.const 1) (f64.sub (local.get $e) (local.get $x))))
      (if (i32.eq (local.get $k) (i32.const 1024))
        (then (local.set $y (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 8.98846567431158e+307))))
        (else (local.set $y (f64.mul (local.get $y) (local.get $twopk)))))
      (return (f64.sub (local.get $y) (f64.const 1)))))
    (if (i32.lt_s (local.get $k) (i32.const 20))
      (then
        ;; t = 1 - 2^-k
        (local.set $t (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.sub (i32.const 0x3FF00000) (i32.shr_s (i32.const 0x200000) (local.get $k)))) (i64.const 32))))
        (local.set $y (f64.sub (local.get $t) (f64.sub (local.get $e) (local.get $x))))
        (local.set $y (f64.mul (local.get $y) (local.get $twopk))))
      (else
        ;; t = 2^-k
        (local.set $t (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.shl (i32.sub (i32.const 0x3FF) (local.get $k)) (i32.const 20))) (i64.const 32))))
        (local.set $y (f64.sub (local.get $x) (f64.add (local.get $e) (local.get $t))))
        (local.set $y (f64.add (local.get $y) (f64.const 1)))
        (local.set $y (f64.mul (local.get $y) (local.get $twopk)))))
    (local.get $y))

  ;; ---------------------------------------------------------------------------------------------------
  ;; tanh(x), fdlibm s_tanh.c.
  ;; ---------------------------------------------------------------------------------------------------
  (func $tanh (export "tanh") (param $x f64) (result f64)
    (local $jx i32) (local $ix i32) (local $t f64) (local $z f64)
    (local.set $jx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $ix (i32.and (local.get $jx) (i32.const 0x7fffffff)))
    ;; Inf or NaN
    (if (i32.ge_u (local.get $ix) (i32.const 0x7FF00000)) (then
      (if (i32.ge_s (local.get $jx) (i32.const 0))
        (then (return (f64.add (f64.div (f64.const 1) (local.get $x)) (f64.const 1)))))
      (return (f64.sub (f64.div (f64.const 1) (local.get $x)) (f64.const 1)))))
    (if (i32.lt_u (local.get $ix) (i32.const 0x40360000))
      (then
        ;; |x| < 2^-28: x itself
        (if (i32.lt_u (local.get $ix) (i32.const 0x3E300000)) (then (return (local.get $x))))
        (if (i32.ge_u (local.get $ix) (i32.const 0x3FF00000))
          (then
            (local.set $t (call $expm1 (f64.mul (f64.const 2) (f64.abs (local.get $x)))))
            (local.set $z (f64.sub (f64.const 1)
              (f64.div (f64.const 2) (f64.add (local.get $t) (f64.const 2))))))
          (else
            (local.set $t (call $expm1 (f64.mul (f64.const -2) (f64.abs (local.get $x)))))
            (local.set $z (f64.div (f64.neg (local.get $t)) (f64.add (local.get $t) (f64.const 2)))))))
      (else
        ;; |x| >= 22: 1 - tiny
        (local.set $z (f64.sub (f64.const 1) (f64.const 1.0e-300)))))
    (if (result f64) (i32.ge_s (local.get $jx) (i32.const 0))
      (then (local.get $z))
      (else (f64.neg (local.get $z)))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; exp(x), fdlibm e_exp.c as V8 has it (exp(1) returns E exactly).
  ;; ---------------------------------------------------------------------------------------------------
  (func $exp (export "exp") (param $x f64) (result f64)
    (local $hx i32) (local $xsb i32) (local $k i32)
    (local $hi f64) (local $lo f64) (local $c f64) (local $t f64) (local $y f64) (local $twopk f64)
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $xsb (i32.and (i32.shr_u (local.get $hx) (i32.const 31)) (i32.const 1)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    ;; non-finite and out-of-range arguments
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862E42)) (then
      (if (i32.ge_u (local.get $hx) (i32.const 0x7FF00000)) (then
        (if (i32.ne (i32.or (i32.and (local.get $hx) (i32.const 0xFFFFF)) (i32.wrap_i64 (i64.reinterpret_f64 (local.get $x))))
              (i32.const 0))
          (then (return (f64.add (local.get $x) (local.get $x)))))
        (if (i32.eqz (local.get $xsb)) (then (return (local.get $x))))
        (return (f64.const 0))))
      (if (f64.gt (local.get $x) (f64.const 7.09782712893383973096e+02)) (then (return (f64.const inf))))
      (if (f64.lt (local.get $x) (f64.const -7.45133219101941108420e+02)) (then (return (f64.const 0))))))
    ;; argument reduction
    (if (i32.gt_u (local.get $hx) (i32.const 0x3FD62E42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3FF0A2B2))
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 2.718281828459045))))
            (if (i32.eqz (local.get $xsb))
              (then
                (local.set $hi (f64.sub (local.get $x) (f64.const 6.93147180369123816490e-01)))
                (local.set $lo (f64.const 1.90821492927058770002e-10))
                (local.set $k (i32.const 1)))
              (else
                (local.set $hi (f64.sub (local.get $x) (f64.const -6.93147180369123816490e-01)))
                (local.set $lo (f64.const -1.90821492927058770002e-10))
                (local.set $k (i32.const -1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add
              (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x))
              (select (f64.const 0.5) (f64.const -0.5) (i32.eqz (local.get $xsb))))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x)
              (f64.mul (local.get $t) (f64.const 6.93147180369123816490e-01))))
            (local.set $lo (f64.mul (local.get $t) (f64.const 1.90821492927058770002e-10)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        ;; |x| < 2^-28: 1 + x
        (if (i32.lt_u (local.get $hx) (i32.const 0x3E300000))
          (then (return (f64.add (f64.const 1) (local.get $x)))))
        (local.set $k (i32.const 0))))
    ;; x in the primary range
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then (local.set $twopk (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.add (i32.const 0x3FF00000) (i32.shl (local.get $k) (i32.const 20)))) (i64.const 32)))))
      (else (local.set $twopk (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.add (i32.const 0x3FF00000) (i32.shl (i32.add (local.get $k) (i32.const 1000)) (i32.const 20)))) (i64.const 32))))))
    (local.set $c (f64.sub (local.get $x)
      (f64.mul (local.get $t)
        (f64.add (f64.const 1.66666666666666019037e-01)
          (f64.mul (local.get $t)
            (f64.add (f64.const -2.77777777770155933842e-03)
              (f64.mul (local.get $t)
                (f64.add (f64.const 6.61375632143793436117e-05)
                  (f64.mul (local.get $t)
                    (f64.add (f64.const -1.65339022054652515390e-06)
                      (f64.mul (local.get $t) (f64.const 4.13813679705723846039e-08))))))))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (f64.const 1)
        (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2)))
          (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub
        (f64.sub (local.get $lo)
          (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
        (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021)) (then
      (if (i32.eq (local.get $k) (i32.const 1024)) (then
        (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 8.988465674311579539e307)))))
      (return (f64.mul (local.get $y) (local.get $twopk)))))
    (f64.mul (f64.mul (local.get $y) (local.get $twopk)) (f64.const 9.33263618503218878990e-302)))

  ;; the logistic function as the JS `sigmoid`: 1 / (1 + exp(-x)) for x >= 0, else e / (1 + e), e = exp(x)
  (func $sigmoid (export "sigmoid") (param $x f64) (result f64)
    (local $e f64)
    (if (f64.ge (local.get $x) (f64.const 0)) (then
      (return (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $x))))))))
    (local.set $e (call $exp (local.get $x)))
    (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; tanh of two lanes, each lane the bits of $tanh. Where 2^-28 <= |x| < 22 in both lanes, fdlibm's tanh
  ;; and expm1 run operation for operation on f64x2: expm1's argument a = 2|x| (|x| >= 1) or -2|x| gives
  ;; k = 0, -1, <= -2 or 3..63, so its branches on k become lane selects (each lane takes its own k's
  ;; result) and the k = +-1 reductions are the general one with t = +-1, the same operations; k = 0 runs
  ;; it with t = 0, which leaves a as it is. Any other lane (tiny, >= 22, NaN, Inf) sends both to $tanh.
  ;; ---------------------------------------------------------------------------------------------------
  (func $tanh2 (param $x v128) (result v128)
    (local $ax v128) (local $big v128) (local $a v128) (local $neg v128) (local $t v128) (local $hi v128)
    (local $lo v128) (local $r v128) (local $c v128) (local $hfx v128) (local $hxs v128) (local $r1 v128)
    (local $tt v128) (local $e v128) (local $p2mk v128) (local $twopk v128) (local $em1 v128) (local $q v128)
    (local.set $ax (f64x2.abs (local.get $x)))
    (if (i32.eqz (i64x2.all_true (v128.and
          (f64x2.ge (local.get $ax) (global.get $TINY))
          (f64x2.lt (local.get $ax) (global.get $C22)))))
      (then (return (f64x2.replace_lane 1
        (f64x2.splat (call $tanh (f64x2.extract_lane 0 (local.get $x))))
        (call $tanh (f64x2.extract_lane 1 (local.get $x)))))))
    (local.set $big (f64x2.ge (local.get $ax) (global.get $ONE)))
    (local.set $a (v128.bitselect
      (f64x2.mul (global.get $TWO) (local.get $ax))
      (f64x2.mul (global.get $M_TWO) (local.get $ax))
      (local.get $big)))
    ;; expm1(a): k, then the reduction hi - lo with t = k
    (local.set $neg (f64x2.lt (local.get $a) (global.get $ZERO)))
    (local.set $t (v128.bitselect
      (global.get $ZERO)
      (v128.bitselect
        (v128.bitselect (global.get $M_ONE) (global.get $ONE) (local.get $neg))
        (f64x2.trunc (f64x2.add
          (f64x2.mul (global.get $INVLN2) (local.get $a))
          (v128.bitselect (global.get $M_HALF) (global.get $HALF) (local.get $neg))))
        ;; hx < 0x3FF0A2B2: k = +-1
        (f64x2.lt (f64x2.abs (local.get $a)) (global.get $K_ONE_MAX)))
      ;; hx <= 0x3FD62E42: k = 0
      (f64x2.lt (f64x2.abs (local.get $a)) (global.get $K_ZERO_MAX))))
    (local.set $hi (f64x2.sub (local.get $a)
      (f64x2.mul (local.get $t) (global.get $LN2HI))))
    (local.set $lo (f64x2.mul (local.get $t) (global.get $LN2LO)))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $c (f64x2.sub (f64x2.sub (local.get $hi) (local.get $r)) (local.get $lo)))
    ;; the primary range
    (local.set $hfx (f64x2.mul (global.get $HALF) (local.get $r)))
    (local.set $hxs (f64x2.mul (local.get $r) (local.get $hfx)))
    (local.set $r1 (f64x2.add (global.get $ONE)
      (f64x2.mul (local.get $hxs)
        (f64x2.add (global.get $Q1)
          (f64x2.mul (local.get $hxs)
            (f64x2.add (global.get $Q2)
              (f64x2.mul (local.get $hxs)
                (f64x2.add (global.get $Q3)
                  (f64x2.mul (local.get $hxs)
                    (f64x2.add (global.get $Q4)
                      (f64x2.mul (local.get $hxs)
                        (global.get $Q5))))))))))))
    (local.set $tt (f64x2.sub (global.get $THREE) (f64x2.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64x2.mul (local.get $hxs)
      (f64x2.div (f64x2.sub (local.get $r1) (local.get $tt))
        (f64x2.sub (global.get $SIX) (f64x2.mul (local.get $r) (local.get $tt))))))
    ;; k = 0: r - (r e - hxs); other k: e becomes (r (e - c) - c) - hxs
    (local.set $em1 (f64x2.sub (local.get $r) (f64x2.sub (f64x2.mul (local.get $r) (local.get $e)) (local.get $hxs))))
    (local.set $e (f64x2.sub
      (f64x2.sub (f64x2.mul (local.get $r) (f64x2.sub (local.get $e) (local.get $c))) (local.get $c))
      (local.get $hxs)))
    ;; 2^k and 2^-k from the bits (k in -3..63)
    (local.set $twopk (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))))
    (local.set $p2mk (i64x2.shl (i64x2.sub (global.get $BIAS) (local.get $twopk)) (i32.const 52)))
    (local.set $twopk (i64x2.shl (i64x2.add (local.get $twopk) (global.get $BIAS)) (i32.const 52)))
    ;; k <= -2 or k > 56: (1 - (e - r)) 2^k - 1; 2 <= k < 20: ((1 - 2^-k) - (e - r)) 2^k;
    ;; 20 <= k <= 56: ((r - (e + 2^-k)) + 1) 2^k; k = -1: 0.5 (r - e) - 0.5
    (local.set $em1 (v128.bitselect
      (local.get $em1)
      (v128.bitselect
        (f64x2.sub (f64x2.mul (global.get $HALF) (f64x2.sub (local.get $r) (local.get $e)))
          (global.get $HALF))
        (v128.bitselect
          (f64x2.sub
            (f64x2.mul (f64x2.sub (global.get $ONE) (f64x2.sub (local.get $e) (local.get $r))) (local.get $twopk))
            (global.get $ONE))
          (v128.bitselect
            (f64x2.mul
              (f64x2.sub (f64x2.sub (global.get $ONE) (local.get $p2mk)) (f64x2.sub (local.get $e) (local.get $r)))
              (local.get $twopk))
            (f64x2.mul
              (f64x2.add (f64x2.sub (local.get $r) (f64x2.add (local.get $e) (local.get $p2mk))) (global.get $ONE))
              (local.get $twopk))
            (f64x2.lt (local.get $t) (global.get $TWENTY)))
          (v128.or (f64x2.le (local.get $t) (global.get $M_TWO)) (f64x2.gt (local.get $t) (global.get $FIFTYSIX))))
        (f64x2.eq (local.get $t) (global.get $M_ONE)))
      (f64x2.eq (local.get $t) (global.get $ZERO))))
    ;; tanh: |x| >= 1: 1 - 2 / (em1 + 2); else -em1 / (em1 + 2); the sign of x
    (local.set $q (f64x2.div
      (v128.bitselect (global.get $TWO) (f64x2.neg (local.get $em1)) (local.get $big))
      (f64x2.add (local.get $em1) (global.get $TWO))))
    (v128.or
      (v128.bitselect (f64x2.sub (global.get $ONE) (local.get $q)) (local.get $q) (local.get $big))
      (v128.and (local.get $x) (global.get $SIGN))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; sigmoid of two lanes, each lane the bits of $sigmoid. Where |x| < 512 in both lanes, exp(w) with
  ;; w = -x (x >= 0) or x, fdlibm's exp operation for operation on f64x2: the k = 0 and k = +-1 reductions
  ;; are the general one with t = 0 and t = +-1, and |w| < 2^-28 gives 1 + w, as lane selects. k = 0 ends
  ;; in (r c) / (c - 2), which is -((r c) / (2 - c)) bit for bit (IEEE rounding is symmetric), so one
  ;; division serves both ends. Any other lane (|x| >= 512, NaN) sends both to $sigmoid.
  ;; ---------------------------------------------------------------------------------------------------
  (func $sigmoid2 (param $x v128) (result v128)
    (local $pos v128) (local $w v128) (local $aw v128) (local $neg v128) (local $t v128) (local $hi v128)
    (local $lo v128) (local $r v128) (local $tt v128) (local $c v128) (local $q v128) (local $twopk v128)
    (local $e v128)
    (if (i32.eqz (i64x2.all_true
          (f64x2.lt (f64x2.abs (local.get $x)) (global.get $C512))))
      (then (return (f64x2.replace_lane 1
        (f64x2.splat (call $sigmoid (f64x2.extract_lane 0 (local.get $x))))
        (call $sigmoid (f64x2.extract_lane 1 (local.get $x)))))))
    (local.set $pos (f64x2.ge (local.get $x) (global.get $ZERO)))
    (local.set $w (v128.bitselect (f64x2.neg (local.get $x)) (local.get $x) (local.get $pos)))
    (local.set $aw (f64x2.abs (local.get $w)))
    (local.set $neg (f64x2.lt (local.get $w) (global.get $ZERO)))
    (local.set $t (v128.bitselect
      (global.get $ZERO)
      (v128.bitselect
        (v128.bitselect (global.get $M_ONE) (global.get $ONE) (local.get $neg))
        (f64x2.trunc (f64x2.add
          (f64x2.mul (global.get $INVLN2) (local.get $w))
          (v128.bitselect (global.get $M_HALF) (global.get $HALF) (local.get $neg))))
        ;; hx < 0x3FF0A2B2: k = +-1
        (f64x2.lt (local.get $aw) (global.get $K_ONE_MAX)))
      ;; hx <= 0x3FD62E42: k = 0
      (f64x2.lt (local.get $aw) (global.get $K_ZERO_MAX))))
    (local.set $hi (f64x2.sub (local.get $w)
      (f64x2.mul (local.get $t) (global.get $LN2HI))))
    (local.set $lo (f64x2.mul (local.get $t) (global.get $LN2LO)))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $tt (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $twopk (i64x2.shl
      (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))) (global.get $BIAS))
      (i32.const 52)))
    (local.set $c (f64x2.sub (local.get $r)
      (f64x2.mul (local.get $tt)
        (f64x2.add (global.get $P1)
          (f64x2.mul (local.get $tt)
            (f64x2.add (global.get $P2)
              (f64x2.mul (local.get $tt)
                (f64x2.add (global.get $P3)
                  (f64x2.mul (local.get $tt)
                    (f64x2.add (global.get $P4)
                      (f64x2.mul (local.get $tt)
                        (global.get $P5))))))))))))
    (local.set $q (f64x2.div (f64x2.mul (local.get $r) (local.get $c))
      (f64x2.sub (global.get $TWO) (local.get $c))))
    ;; |w| < 2^-28: 1 + w; k = 0: 1 - ((-q) - r); else (1 - ((lo - q) - hi)) 2^k
    (local.set $e (v128.bitselect
      (f64x2.add (global.get $ONE) (local.get $w))
      (v128.bitselect
        (f64x2.sub (global.get $ONE) (f64x2.sub (f64x2.neg (local.get $q)) (local.get $r)))
        (f64x2.mul
          (f64x2.sub (global.get $ONE)
            (f64x2.sub (f64x2.sub (local.get $lo) (local.get $q)) (local.get $hi)))
          (local.get $twopk))
        (f64x2.eq (local.get $t) (global.get $ZERO)))
      (f64x2.lt (local.get $aw) (global.get $TINY))))
    ;; x >= 0: 1 / (1 + e); else e / (1 + e)
    (f64x2.div
      (v128.bitselect (global.get $ONE) (local.get $e) (local.get $pos))
      (f64x2.add (global.get $ONE) (local.get $e))))

  ;; f of two lanes: kind 0 tanh, 1 sigmoid
  (func $act2 (param $kind i32) (param $x v128) (result v128)
    (if (result v128) (i32.eqz (local.get $kind))
      (then (call $tanh2 (local.get $x)))
      (else (call $sigmoid2 (local.get $x)))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; fwd: y[i] = shift + scale f(x[i]) for i < n.
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "fwd")
    (param $kind i32) (param $scale f64) (param $shift f64) (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $end2 i32) (local $v f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    ;; two entries a step
    (block $pairs (loop $next2
      (br_if $pairs (i32.ge_u (local.get $x) (local.get $end2)))
      (v128.store (local.get $y) (f64x2.add (f64x2.splat (local.get $shift))
        (f64x2.mul (f64x2.splat (local.get $scale)) (call $act2 (local.get $kind) (v128.load (local.get $x))))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $next2)))
    ;; an odd last entry
    (if (i32.lt_u (local.get $x) (local.get $end)) (then
      (local.set $v (f64.load (local.get $x)))
      (if (i32.eqz (local.get $kind))
        (then (local.set $v (call $tanh (local.get $v))))
        (else (local.set $v (call $sigmoid (local.get $v)))))
      (f64.store (local.get $y) (f64.add (local.get $shift) (f64.mul (local.get $scale) (local.get $v)))))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; bwd: gx[i] = gy[i] scale f'(x[i]) for i < n (tanh: 1 - t t; sigmoid: sg (1 - sg)).
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "bwd")
    (param $kind i32) (param $scale f64) (param $x i32) (param $gy i32) (param $gx i32) (param $n i32)
    (local $end i32) (local $end2 i32) (local $t f64) (local $d f64) (local $t2 v128) (local $d2 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    ;; two entries a step
    (block $pairs (loop $next2
      (br_if $pairs (i32.ge_u (local.get $x) (local.get $end2)))
      (local.set $t2 (call $act2 (local.get $kind) (v128.load (local.get $x))))
      (if (i32.eqz (local.get $kind))
        (then (local.set $d2 (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $t2) (local.get $t2)))))
        (else (local.set $d2 (f64x2.mul (local.get $t2) (f64x2.sub (v128.const f64x2 1 1) (local.get $t2))))))
      (v128.store (local.get $gx)
        (f64x2.mul (f64x2.mul (v128.load (local.get $gy)) (f64x2.splat (local.get $scale))) (local.get $d2)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $gy (i32.add (local.get $gy) (i32.const 16)))
      (local.set $gx (i32.add (local.get $gx) (i32.const 16)))
      (br $next2)))
    ;; an odd last entry
    (if (i32.lt_u (local.get $x) (local.get $end)) (then
      (if (i32.eqz (local.get $kind))
        (then
          (local.set $t (call $tanh (f64.load (local.get $x))))
          (local.set $d (f64.sub (f64.const 1) (f64.mul (local.get $t) (local.get $t)))))
        (else
          (local.set $t (call $sigmoid (f64.load (local.get $x))))
          (local.set $d (f64.mul (local.get $t) (f64.sub (f64.const 1) (local.get $t))))))
      (f64.store (local.get $gx)
        (f64.mul (f64.mul (f64.load (local.get $gy)) (local.get $scale)) (local.get $d))))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; The factor cache of a jet block (activationJetDerivs): for each sample s and unit p, with v the value
  ;; channel x[s C W + p], f = f(v) and its derivatives d1..d3, writes scale d1, scale d2, scale d3 to the
  ;; three planes and, when hasY, the value channel y[s C W + p] = shift + scale f.
  ;; ---------------------------------------------------------------------------------------------------
  (func $derivs (export "jetDerivs")
    (param $kind i32) (param $scale f64) (param $shift f64) (param $x i32) (param $y i32) (param $hasY i32)
    (param $f i32) (param $C i32) (param $W i32) (param $rows i32)
    (local $s i32) (local $p i32) (local $n8 i32) (local $row8 i32) (local $xs i32) (local $ys i32)
    (local $fp i32) (local $v f64) (local $d0 f64) (local $d1 f64) (local $d2 f64) (local $d3 f64)
    (local $sc v128) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)
    (local.set $n8 (i32.shl (i32.mul (local.get $rows) (local.get $W)) (i32.const 3)))
    (local.set $row8 (i32.shl (i32.mul (local.get $C) (local.get $W)) (i32.const 3)))
    (local.set $sc (f64x2.splat (local.get $scale)))
    (local.set $fp (local.get $f))
    (local.set $s (i32.const 0))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_s (local.get $s) (local.get $rows)))
      (local.set $xs (i32.add (local.get $x) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $ys (i32.add (local.get $y) (i32.mul (local.get $s) (local.get $row8))))
      ;; units p, p + 1 in one f64x2 step
      (local.set $p (i32.const 1))
      (block $pdone (loop $ploop
        (br_if $pdone (i32.ge_s (local.get $p) (local.get $W)))
        (local.set $e0 (call $act2 (local.get $kind) (v128.load (local.get $xs))))
        (if (i32.eqz (local.get $kind))
          (then
            (local.set $e1 (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $e0) (local.get $e0))))
            (local.set $e2 (f64x2.mul (f64x2.mul (v128.const f64x2 -2 -2) (local.get $e0)) (local.get $e1)))
            (local.set $e3 (f64x2.mul (local.get $e1)
              (f64x2.sub (f64x2.mul (f64x2.mul (v128.const f64x2 6 6) (local.get $e0)) (local.get $e0))
                (v128.const f64x2 2 2)))))
          (else
            (local.set $e1 (f64x2.mul (local.get $e0) (f64x2.sub (v128.const f64x2 1 1) (local.get $e0))))
            (local.set $e2 (f64x2.mul (local.get $e1)
              (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (v128.const f64x2 2 2) (local.get $e0)))))
            (local.set $e3 (f64x2.mul (local.get $e1)
              (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (v128.const f64x2 6 6) (local.get $e1)))))))
        (if (local.get $hasY) (then
          (v128.store (local.get $ys)
            (f64x2.add (f64x2.splat (local.get $shift)) (f64x2.mul (local.get $sc) (local.get $e0))))))
        (v128.store (local.get $fp) (f64x2.mul (local.get $sc) (local.get $e1)))
        (v128.store (i32.add (local.get $fp) (local.get $n8)) (f64x2.mul (local.get $sc) (local.get $e2)))
        (v128.store (i32.add (local.get $fp) (i32.shl (local.get $n8) (i32.const 1)))
          (f64x2.mul (local.get $sc) (local.get $e3)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 16)))
        (local.set $ys (i32.add (local.get $ys) (i32.const 16)))
        (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $ploop)))
      ;; an odd last unit
      (if (i32.eq (local.get $p) (local.get $W)) (then
        (local.set $v (f64.load (local.get $xs)))
        (if (i32.eqz (local.get $kind))
          (then
            ;; t = tanh v, u = 1 - t t: d1 = u, d2 = -2 t u, d3 = u (6 t t - 2)
            (local.set $d0 (call $tanh (local.get $v)))
            (local.set $d1 (f64.sub (f64.const 1) (f64.mul (local.get $d0) (local.get $d0))))
            (local.set $d2 (f64.mul (f64.mul (f64.const -2) (local.get $d0)) (local.get $d1)))
            (local.set $d3 (f64.mul (local.get $d1)
              (f64.sub (f64.mul (f64.mul (f64.const 6) (local.get $d0)) (local.get $d0)) (f64.const 2)))))
          (else
            ;; sg = sigmoid v: d1 = sg (1 - sg), d2 = d1 (1 - 2 sg), d3 = d1 (1 - 6 d1)
            (local.set $d0 (call $sigmoid (local.get $v)))
            (local.set $d1 (f64.mul (local.get $d0) (f64.sub (f64.const 1) (local.get $d0))))
            (local.set $d2 (f64.mul (local.get $d1)
              (f64.sub (f64.const 1) (f64.mul (f64.const 2) (local.get $d0)))))
            (local.set $d3 (f64.mul (local.get $d1)
              (f64.sub (f64.const 1) (f64.mul (f64.const 6) (local.get $d1)))))))
        (if (local.get $hasY) (then
          (f64.store (local.get $ys) (f64.add (local.get $shift) (f64.mul (local.get $scale) (local.get $d0))))))
        (f64.store (local.get $fp) (f64.mul (local.get $scale) (local.get $d1)))
        (f64.store (i32.add (local.get $fp) (local.get $n8)) (f64.mul (local.get $scale) (local.get $d2)))
        (f64.store (i32.add (local.get $fp) (i32.shl (local.get $n8) (i32.const 1)))
          (f64.mul (local.get $scale) (local.get $d3)))
        (local.set $fp (i32.add (local.get $fp) (i32.const 8)))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sloop))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; jetFwd: the factor cache and the value channel (jetDerivs), then the derivative channels of the
  ;; block (elementwiseJetForwardBlock): y'_k = f1 x'_k, y''_m = f2 x'_k x'_l + f1 x''_m.
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "jetFwd")
    (param $kind i32) (param $scale f64) (param $shift f64) (param $x i32) (param $y i32) (param $f i32)
    (param $C i32) (param $W i32) (param $rows i32) (param $D i32) (param $M i32) (param $pairs i32)
    (local $s i32) (local $k i32) (local $m i32) (local $p8 i32) (local $W8 i32) (local $We8 i32)
    (local $n8 i32) (local $row8 i32) (local $xb i32) (local $yb i32) (local $fb i32)
    (local $xk i32) (local $xl i32) (local $xm i32) (local $yk i32) (local $f1 i32)
    (call $derivs (local.get $kind) (local.get $scale) (local.get $shift) (local.get $x) (local.get $y)
      (i32.const 1) (local.get $f) (local.get $C) (local.get $W) (local.get $rows))
    (local.set $W8 (i32.shl (local.get $W) (i32.const 3)))
    (local.set $We8 (i32.shl (i32.and (local.get $W) (i32.const -2)) (i32.const 3)))
    (local.set $n8 (i32.mul (local.get $rows) (local.get $W8)))
    (local.set $row8 (i32.mul (local.get $C) (local.get $W8)))
    (local.set $s (i32.const 0))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_s (local.get $s) (local.get $rows)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $yb (i32.add (local.get $y) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $fb (i32.add (local.get $f) (i32.mul (local.get $s) (local.get $W8))))
      ;; first-derivative channels
      (local.set $k (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $D)))
        (local.set $xk (i32.add (local.get $xb) (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $W8))))
        (local.set $yk (i32.add (local.get $yb) (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $W8))))
        (local.set $p8 (i32.const 0))
        (block $pdone (loop $ploop
          (br_if $pdone (i32.ge_u (local.get $p8) (local.get $We8)))
          (v128.store (i32.add (local.get $yk) (local.get $p8))
            (f64x2.mul (v128.load (i32.add (local.get $fb) (local.get $p8)))
              (v128.load (i32.add (local.get $xk) (local.get $p8)))))
          (local.set $p8 (i32.add (local.get $p8) (i32.const 16)))
          (br $ploop)))
        (if (i32.lt_u (local.get $p8) (local.get $W8)) (then
          (f64.store (i32.add (local.get $yk) (local.get $p8))
            (f64.mul (f64.load (i32.add (local.get $fb) (local.get $p8)))
              (f64.load (i32.add (local.get $xk) (local.get $p8)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kloop)))
      ;; second-derivative channels
      (local.set $m (i32.const 0))
      (block $mdone (loop $mloop
        (br_if $mdone (i32.ge_s (local.get $m) (local.get $M)))
        (local.set $xk (i32.add (local.get $xb) (i32.mul
          (i32.add (i32.load (i32.add (local.get $pairs) (i32.shl (local.get $m) (i32.const 2)))) (i32.const 1))
          (local.get $W8))))
        (local.set $xl (i32.add (local.get $xb) (i32.mul
          (i32.add (i32.load (i32.add (local.get $pairs)
            (i32.shl (i32.add (local.get $M) (local.get $m)) (i32.const 2)))) (i32.const 1))
          (local.get $W8))))
        (local.set $xm (i32.add (local.get $xb)
          (i32.mul (i32.add (i32.add (local.get $D) (local.get $m)) (i32.const 1)) (local.get $W8))))
        (local.set $yk (i32.add (local.get $yb)
          (i32.mul (i32.add (i32.add (local.get $D) (local.get $m)) (i32.const 1)) (local.get $W8))))
        (local.set $p8 (i32.const 0))
        (block $pdone (loop $ploop
          (br_if $pdone (i32.ge_u (local.get $p8) (local.get $We8)))
          (local.set $f1 (i32.add (local.get $fb) (local.get $p8)))
          (v128.store (i32.add (local.get $yk) (local.get $p8))
            (f64x2.add
              (f64x2.mul
                (f64x2.mul (v128.load (i32.add (local.get $f1) (local.get $n8)))
                  (v128.load (i32.add (local.get $xk) (local.get $p8))))
                (v128.load (i32.add (local.get $xl) (local.get $p8))))
              (f64x2.mul (v128.load (local.get $f1)) (v128.load (i32.add (local.get $xm) (local.get $p8))))))
          (local.set $p8 (i32.add (local.get $p8) (i32.const 16)))
          (br $ploop)))
        (if (i32.lt_u (local.get $p8) (local.get $W8)) (then
          (local.set $f1 (i32.add (local.get $fb) (local.get $p8)))
          (f64.store (i32.add (local.get $yk) (local.get $p8))
            (f64.add
              (f64.mul
                (f64.mul (f64.load (i32.add (local.get $f1) (local.get $n8)))
                  (f64.load (i32.add (local.get $xk) (local.get $p8))))
                (f64.load (i32.add (local.get $xl) (local.get $p8))))
              (f64.mul (f64.load (local.get $f1)) (f64.load (i32.add (local.get $xm) (local.get $p8))))))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $mloop)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sloop))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; jetBwd: dLoss/d(input channels) of the block into gx from gy (elementwiseJetBackwardBlock), with the
  ;; factor cache recomputed first unless haveF. Per unit, in the JS order: the value gradient
  ;; g0 = gy_0 f1, then += gy_k f2 x'_k (k order), then += gy_m (f3 x'_k x'_l + f2 x''_m) (m order), stored
  ;; as 0 + g0; the derivative channels start at 0 and get += gy_k f1, then per pair m
  ;; gx''_m += gy_m f1, gx'_k += gy_m f2 x'_l, gx'_l += gy_m f2 x'_k.
  ;; ---------------------------------------------------------------------------------------------------
  (func (export "jetBwd")
    (param $kind i32) (param $scale f64) (param $shift f64) (param $x i32) (param $gy i32) (param $gx i32)
    (param $f i32) (param $haveF i32) (param $C i32) (param $W i32) (param $rows i32) (param $D i32)
    (param $M i32) (param $pairs i32)
    (local $s i32) (local $k i32) (local $m i32) (local $c i32) (local $p8 i32) (local $W8 i32)
    (local $n8 i32) (local $row8 i32) (local $xb i32) (local $gb i32) (local $gxb i32) (local $fb i32)
    (local $ck i32) (local $cl i32) (local $cm i32) (local $We8 i32)
    (local $f1 v128) (local $f2 v128) (local $f3 v128) (local $g0 v128) (local $gk v128) (local $dk v128)
    (local $dl v128) (local $gf v128)
    (local $f1s f64) (local $f2s f64) (local $f3s f64) (local $g0s f64) (local $gks f64) (local $dks f64)
    (local $dls f64) (local $gfs f64)
    (if (i32.eqz (local.get $haveF)) (then
      (call $derivs (local.get $kind) (local.get $scale) (local.get $shift) (local.get $x) (i32.const 0)
        (i32.const 0) (local.get $f) (local.get $C) (local.get $W) (local.get $rows))))
    (local.set $W8 (i32.shl (local.get $W) (i32.const 3)))
    (local.set $We8 (i32.shl (i32.and (local.get $W) (i32.const -2)) (i32.const 3)))
    (local.set $n8 (i32.mul (local.get $rows) (local.get $W8)))
    (local.set $row8 (i32.mul (local.get $C) (local.get $W8)))
    (local.set $s (i32.const 0))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_s (local.get $s) (local.get $rows)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $gb (i32.add (local.get $gy) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $gxb (i32.add (local.get $gx) (i32.mul (local.get $s) (local.get $row8))))
      (local.set $fb (i32.add (local.get $f) (i32.mul (local.get $s) (local.get $W8))))
      ;; units in pairs
      (local.set $p8 (i32.const 0))
      (block $pdone (loop $ploop
        (br_if $pdone (i32.ge_u (local.get $p8) (local.get $We8)))
        (local.set $f1 (v128.load (i32.add (local.get $fb) (local.get $p8))))
        (local.set $f2 (v128.load (i32.add (i32.add (local.get $fb) (local.get $n8)) (local.get $p8))))
        (local.set $f3 (v128.load (i32.add (i32.add (local.get $fb) (i32.shl (local.get $n8) (i32.const 1))) (local.get $p8))))
        ;; derivative channels of gx start at 0
        (local.set $c (i32.const 1))
        (block $zdone (loop $zloop
          (br_if $zdone (i32.ge_s (local.get $c) (local.get $C)))
          (v128.store (i32.add (i32.add (local.get $gxb) (i32.mul (local.get $c) (local.get $W8))) (local.get $p8)) (v128.const i64x2 0 0))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $zloop)))
        (local.set $g0 (f64x2.mul (v128.load (i32.add (local.get $gb) (local.get $p8))) (local.get $f1)))
        (local.set $k (i32.const 0))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.ge_s (local.get $k) (local.get $D)))
          (local.set $ck (i32.add (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $W8)) (local.get $p8)))
          (local.set $gk (v128.load (i32.add (local.get $gb) (local.get $ck))))
          (local.set $g0 (f64x2.add (local.get $g0) (f64x2.mul (f64x2.mul (local.get $gk) (local.get $f2)) (v128.load (i32.add (local.get $xb) (local.get $ck))))))
          (v128.store (i32.add (local.get $gxb) (local.get $ck))
            (f64x2.add (v128.load (i32.add (local.get $gxb) (local.get $ck))) (f64x2.mul (local.get $gk) (local.get $f1))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kloop)))
        (local.set $m (i32.const 0))
        (block $mdone (loop $mloop
          (br_if $mdone (i32.ge_s (local.get $m) (local.get $M)))
          (local.set $ck (i32.add (local.get $p8) (i32.mul (i32.add (i32.load (i32.add (local.get $pairs)
            (i32.shl (local.get $m) (i32.const 2)))) (i32.const 1)) (local.get $W8))))
          (local.set $cl (i32.add (local.get $p8) (i32.mul (i32.add (i32.load (i32.add (local.get $pairs)
            (i32.shl (i32.add (local.get $M) (local.get $m)) (i32.const 2)))) (i32.const 1)) (local.get $W8))))
          (local.set $cm (i32.add (local.get $p8)
            (i32.mul (i32.add (i32.add (local.get $D) (local.get $m)) (i32.const 1)) (local.get $W8))))
          (local.set $gk (v128.load (i32.add (local.get $gb) (local.get $cm))))
          (local.set $dk (v128.load (i32.add (local.get $xb) (local.get $ck))))
          (local.set $dl (v128.load (i32.add (local.get $xb) (local.get $cl))))
          (local.set $g0 (f64x2.add (local.get $g0) (f64x2.mul (local.get $gk)
            (f64x2.add (f64x2.mul (f64x2.mul (local.get $f3) (local.get $dk)) (local.get $dl))
              (f64x2.mul (local.get $f2) (v128.load (i32.add (local.get $xb) (local.get $cm))))))))
          (v128.store (i32.add (local.get $gxb) (local.get $cm))
            (f64x2.add (v128.load (i32.add (local.get $gxb) (local.get $cm))) (f64x2.mul (local.get $gk) (local.get $f1))))
          (local.set $gf (f64x2.mul (local.get $gk) (local.get $f2)))
          (v128.store (i32.add (local.get $gxb) (local.get $ck))
            (f64x2.add (v128.load (i32.add (local.get $gxb) (local.get $ck))) (f64x2.mul (local.get $gf) (local.get $dl))))
          (v128.store (i32.add (local.get $gxb) (local.get $cl))
            (f64x2.add (v128.load (i32.add (local.get $gxb) (local.get $cl))) (f64x2.mul (local.get $gf) (local.get $dk))))
          (local.set $m (i32.add (local.get $m) (i32.const 1)))
          (br $mloop)))
        ;; the value channel: 0 + g0
        (v128.store (i32.add (local.get $gxb) (local.get $p8)) (f64x2.add (v128.const i64x2 0 0) (local.get $g0)))
        (local.set $p8 (i32.add (local.get $p8) (i32.const 16)))
        (br $ploop)))
      ;; the odd last unit: the same operations on one lane
      (if (i32.lt_u (local.get $p8) (local.get $W8)) (then
        (local.set $f1s (f64.load (i32.add (local.get $fb) (local.get $p8))))
        (local.set $f2s (f64.load (i32.add (i32.add (local.get $fb) (local.get $n8)) (local.get $p8))))
        (local.set $f3s (f64.load (i32.add (i32.add (local.get $fb) (i32.shl (local.get $n8) (i32.const 1))) (local.get $p8))))
        ;; derivative channels of gx start at 0
        (local.set $c (i32.const 1))
        (block $zdone (loop $zloop
          (br_if $zdone (i32.ge_s (local.get $c) (local.get $C)))
          (f64.store (i32.add (i32.add (local.get $gxb) (i32.mul (local.get $c) (local.get $W8))) (local.get $p8)) (f64.const 0))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $zloop)))
        (local.set $g0s (f64.mul (f64.load (i32.add (local.get $gb) (local.get $p8))) (local.get $f1s)))
        (local.set $k (i32.const 0))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.ge_s (local.get $k) (local.get $D)))
          (local.set $ck (i32.add (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $W8)) (local.get $p8)))
          (local.set $gks (f64.load (i32.add (local.get $gb) (local.get $ck))))
          (local.set $g0s (f64.add (local.get $g0s) (f64.mul (f64.mul (local.get $gks) (local.get $f2s)) (f64.load (i32.add (local.get $xb) (local.get $ck))))))
          (f64.store (i32.add (local.get $gxb) (local.get $ck))
            (f64.add (f64.load (i32.add (local.get $gxb) (local.get $ck))) (f64.mul (local.get $gks) (local.get $f1s))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kloop)))
        (local.set $m (i32.const 0))
        (block $mdone (loop $mloop
          (br_if $mdone (i32.ge_s (local.get $m) (local.get $M)))
          (local.set $ck (i32.add (local.get $p8) (i32.mul (i32.add (i32.load (i32.add (local.get $pairs)
            (i32.shl (local.get $m) (i32.const 2)))) (i32.const 1)) (local.get $W8))))
          (local.set $cl (i32.add (local.get $p8) (i32.mul (i32.add (i32.load (i32.add (local.get $pairs)
            (i32.shl (i32.add (local.get $M) (local.get $m)) (i32.const 2)))) (i32.const 1)) (local.get $W8))))
          (local.set $cm (i32.add (local.get $p8)
            (i32.mul (i32.add (i32.add (local.get $D) (local.get $m)) (i32.const 1)) (local.get $W8))))
          (local.set $gks (f64.load (i32.add (local.get $gb) (local.get $cm))))
          (local.set $dks (f64.load (i32.add (local.get $xb) (local.get $ck))))
          (local.set $dls (f64.load (i32.add (local.get $xb) (local.get $cl))))
          (local.set $g0s (f64.add (local.get $g0s) (f64.mul (local.get $gks)
            (f64.add (f64.mul (f64.mul (local.get $f3s) (local.get $dks)) (local.get $dls))
              (f64.mul (local.get $f2s) (f64.load (i32.add (local.get $xb) (local.get $cm))))))))
          (f64.store (i32.add (local.get $gxb) (local.get $cm))
            (f64.add (f64.load (i32.add (local.get $gxb) (local.get $cm))) (f64.mul (local.get $gks) (local.get $f1s))))
          (local.set $gfs (f64.mul (local.get $gks) (local.get $f2s)))
          (f64.store (i32.add (local.get $gxb) (local.get $ck))
            (f64.add (f64.load (i32.add (local.get $gxb) (local.get $ck))) (f64.mul (local.get $gfs) (local.get $dls))))
          (f64.store (i32.add (local.get $gxb) (local.get $cl))
            (f64.add (f64.load (i32.add (local.get $gxb) (local.get $cl))) (f64.mul (local.get $gfs) (local.get $dks))))
          (local.set $m (i32.add (local.get $m) (i32.const 1)))
          (br $mloop)))
        ;; the value channel: 0 + g0
        (f64.store (i32.add (local.get $gxb) (local.get $p8)) (f64.add (f64.const 0) (local.get $g0s)))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sloop)))))
