/** Little-endian instruction words as the bytes an engine's memory holds. */
export function words(...ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => {
    dv.setUint32(i * 4, w >>> 0, true);
  });
  return b;
}
