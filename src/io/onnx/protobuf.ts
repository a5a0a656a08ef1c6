/**
 * The little of the protobuf wire format an ONNX file needs, written by hand: varints, fixed 32-bit
 * floats and length-delimited fields (https://protobuf.dev/programming-guides/encoding/). Pure bytes,
 * so the exporter runs in the browser too.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends fields in the order they are written; `finish()` returns the message's bytes. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  private flushScratch(): void {
    if (this.scratch.length > 0) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }

  /** A varint: 7 bits a byte, low bits first. Negative int64 values take ten bytes (two's complement). */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** An int32, int64 or enum field. */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`protobuf: field ${field} needs an integer, got ${value}`);
    }
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A float field (fixed 32 bits, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.scratch.push(...bytes);
    return this;
  }

  /** A bytes or embedded-message field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.flushScratch();
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) {
      if (!Number.isSafeInteger(v)) throw new Error(`protobuf: field ${field} needs integers, got ${v}`);
      inner.varint(v);
    }
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(4 * values.length);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return this.bytes(field, bytes);
  }

  finish(): Uint8Array {
    this.flushScratch();
    const length = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
