/**
 * Byte-level codec for the safetensors format (https://github.com/huggingface/safetensors).
 * It deliberately knows nothing about Tensor so that checkpoint I/O can be tested in
 * isolation and reused by tools that only need raw arrays.
 *
 * Layout: u64 little-endian header length N | N bytes of UTF-8 JSON | data area.
 */

import {
  LITTLE_ENDIAN_HOST, METADATA_KEY, WRITE_TAGS, arrayTypeFor, describe, isShape, product, type RawTensor,
} from "./safetensors-format.js";

export type { RawDtype, RawTensor, SafetensorsContents } from "./safetensors-format.js";

export function encodeSafetensors(tensors: Map<string, RawTensor>,
  metadata?: Record<string, string>): Uint8Array {
  // The header is assembled by hand rather than via JSON.stringify(object) because objects
  // hoist integer-like keys ("0", "1") and treat "__proto__" specially; we promise insertion order.
  const parts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new Error(`encodeSafetensors: metadata value for "${key}" must be a string, ` +
          `found ${describe(value)}`);
      }
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY) throw new Error(`encodeSafetensors: "${METADATA_KEY}" is reserved ` +
      "and cannot name a tensor");
    const Ctor = Object.hasOwn(WRITE_TAGS, t.dtype) ? arrayTypeFor(t.dtype) : undefined;
    if (Ctor === undefined) {
      throw new Error(`encodeSafetensors: tensor "${name}" has dtype ${describe(t.dtype)}; ` +
        "expected float32, float64 or int32");
    }
    if (!(t.data instanceof Ctor)) {
      throw new Error(`encodeSafetensors: tensor "${name}" has dtype ${t.dtype} ` +
        `but its data is a ${t.data.constructor.name}, expected ${Ctor.name}`);
    }
    if (!isShape(t.shape)) {
      throw new Error(`encodeSafetensors: tensor "${name}" shape must be non-negative integers, ` +
        `found ${describe(t.shape)}`);
    }
    if (product(t.shape) !== t.data.length) {
      throw new Error(`encodeSafetensors: tensor "${name}" shape [${t.shape.join(", ")}] ` +
        `needs ${product(t.shape)} elements, found ${t.data.length}`);
    }
    const entry = {
      dtype: WRITE_TAGS[t.dtype], shape: t.shape, data_offsets: [offset, offset + t.data.byteLength],
    };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  // Padding keeps the data area 8-byte aligned in the file, so mmap-based readers can view it in place.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const t of tensors.values()) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else {
      const size = t.data.BYTES_PER_ELEMENT;
      for (let i = 0; i < t.data.length; i++) {
        const at = pos + i * size;
        if (t.dtype === "float32") view.setFloat32(at, t.data[i], true);
        else if (t.dtype === "float64") view.setFloat64(at, t.data[i], true);
        else view.setInt32(at, t.data[i], true);
      }
    }
    pos += t.data.byteLength;
  }
  return out;
}

export { decodeSafetensors } from "./safetensors-decode.js";
