// IEEE half precision ↔ float32, for the formats that store F16 (safetensors, GGUF).

const f32Box = new Float32Array(1), u32Box = new Uint32Array(f32Box.buffer);

/** float32 → IEEE half bits, round to nearest even (GGML_FP32_TO_FP16). */
export function floatToHalf(x: number): number {
  f32Box[0] = x;
  const b = u32Box[0], sign = (b >>> 16) & 0x8000, exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  let shift = 13, h = (e << 10) | (mant >>> 13);
  if (e <= 0) { // subnormal half (or zero): the implicit 1 joins the shifted-out mantissa
    if (e < -10) return sign;
    mant |= 0x800000;
    shift = 14 - e;
    h = mant >>> shift;
  }
  const rem = mant & ((1 << shift) - 1), half = 1 << (shift - 1);
  if (rem > half || (rem === half && (h & 1))) h++; // a carry into the exponent is still right
  return sign | h;
}

let halfTable: Float32Array | undefined; // (65536) every half's float32 value

export function halfToFloat(h: number): number {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) {
      const s = i & 0x8000 ? -1 : 1, e = (i >> 10) & 0x1f, m = i & 0x3ff;
      halfTable[i] = e === 0 ? s * m * 2 ** -24 : e === 0x1f ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
  }
  return halfTable[h];
}
