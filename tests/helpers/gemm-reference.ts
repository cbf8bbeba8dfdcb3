// Float32 references for the dense layer's three products that add in the order the SIMD kernels
// promise (lib/wasm/gemmModule.ts): every sum rounded to float32 after each multiply and each add.

const f = Math.fround;

export const gemmOrderReference = {
  /** c[M×N] + a[M×K]·b[K×N]: each element adds its terms for t = 0, 1, … in turn. */
  forward(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): Float32Array {
    const out = c.slice();
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = out[i * N + j];
        for (let t = 0; t < K; t++) s = f(s + f(a[i * K + t] * b[t * N + j]));
        out[i * N + j] = s;
      }
    return out;
  },
  /** c[K×N] + a[M×K]ᵀ·b[M×N]: each element adds the rows of the batch in turn. */
  gradWeights(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number): Float32Array {
    const out = c.slice();
    for (let k = 0; k < K; k++)
      for (let j = 0; j < N; j++) {
        let s = out[k * N + j];
        for (let i = 0; i < M; i++) s = f(s + f(a[i * K + k] * b[i * N + j]));
        out[k * N + j] = s;
      }
    return out;
  },
  /**
   * (c +) a[M×K]·b[N×K]ᵀ: four strands s_l = Σ over t ≡ l (mod 4), t < K − K mod 4, from 0 in t order;
   * then ((s0 + s1) + s2) + s3, plus the tail (the last K mod 4 terms summed from 0), plus c.
   */
  gradInput(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    M: number,
    K: number,
    N: number,
    accumulate: boolean
  ): Float32Array {
    const out = c.slice();
    const kv = K - (K % 4);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const s = [0, 0, 0, 0];
        for (let t = 0; t < kv; t++) s[t % 4] = f(s[t % 4] + f(a[i * K + t] * b[j * K + t]));
        let tail = 0;
        for (let t = kv; t < K; t++) tail = f(tail + f(a[i * K + t] * b[j * K + t]));
        let r = f(f(f(s[0] + s[1]) + s[2]) + s[3]);
        r = f(r + tail);
        if (accumulate) r = f(r + out[i * N + j]);
        out[i * N + j] = r;
      }
    return out;
  }
};
