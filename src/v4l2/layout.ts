/**
 * C struct layouts described once, in declaration order, with C's alignment rules: offsets and sizes
 * are computed, never written down, and encoding and decoding both follow from the same description.
 * test/v4l2-layout.test.ts checks every computed offset against the kernel headers with a C compiler.
 */

export type Scalar = { readonly kind: 'u8' | 'u16' | 'u32' | 's32' | 'u64'; readonly size: number; readonly align: number };
export type Chars = { readonly kind: 'chars'; readonly size: number; readonly align: 1 };
export type ArrayOf = { readonly kind: 'array'; readonly of: Scalar; readonly length: number; readonly size: number; readonly align: number };
export interface Struct<F extends Fields = Fields> {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: F;
  /** Field offsets, computed. */
  readonly offsets: { readonly [K in keyof F]: number };
  readonly size: number;
  readonly align: number;
}
/** A union of which loopcam uses only some members; size and alignment are the C union's. */
export interface Union<M extends Record<string, Struct> = Record<string, Struct>> {
  readonly kind: 'union';
  readonly members: M;
  readonly size: number;
  readonly align: number;
}
export type FieldType = Scalar | Chars | ArrayOf | Struct | Union;
export type Fields = Record<string, FieldType>;

/** The JavaScript value of a field: numbers, strings, arrays and nested objects. */
export type ValueOf<T extends FieldType> =
  T extends Scalar ? number :
  T extends Chars ? string :
  T extends ArrayOf ? number[] :
  T extends Struct<infer F> ? StructValue<F> :
  T extends Union<infer M> ? { [K in keyof M]: ValueOf<M[K]> } :
  never;
export type StructValue<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };
/** What `encode` takes: any subset of fields (the rest are zero), nested likewise. */
export type Partial2<T> = T extends number | string | number[] ? T : { [K in keyof T]?: Partial2<T[K]> };

export const u8: Scalar = { kind: 'u8', size: 1, align: 1 };
export const u16: Scalar = { kind: 'u16', size: 2, align: 2 };
export const u32: Scalar = { kind: 'u32', size: 4, align: 4 };
export const s32: Scalar = { kind: 's32', size: 4, align: 4 };
export const u64: Scalar = { kind: 'u64', size: 8, align: 8 };
export const chars = (size: number): Chars => ({ kind: 'chars', size, align: 1 });
export const array = (of: Scalar, length: number): ArrayOf => ({ kind: 'array', of, length, size: of.size * length, align: of.align });

const roundUp = (n: number, align: number): number => Math.ceil(n / align) * align;

export function struct<F extends Fields>(name: string, fields: F): Struct<F> {
  let offset = 0;
  let align = 1;
  const offsets: Record<string, number> = {};
  for (const [key, type] of Object.entries(fields)) {
    offset = roundUp(offset, type.align);
    offsets[key] = offset;
    offset += type.size;
    align = Math.max(align, type.align);
  }
  return { kind: 'struct', name, fields, offsets: offsets as Struct<F>['offsets'], size: roundUp(offset, align), align };
}

export function union<M extends Record<string, Struct>>(members: M, size: number, align: number): Union<M> {
  for (const [key, member] of Object.entries(members)) {
    if (member.size > size) throw new Error(`union member ${key} (${member.size} bytes) exceeds the union's ${size}`);
  }
  return { kind: 'union', members, size, align };
}

function writeScalar(buf: Buffer, type: Scalar, offset: number, value: number): void {
  switch (type.kind) {
    case 'u8': buf.writeUInt8(value, offset); break;
    case 'u16': buf.writeUInt16LE(value, offset); break;
    case 'u32': buf.writeUInt32LE(value >>> 0, offset); break;
    case 's32': buf.writeInt32LE(value, offset); break;
    case 'u64': buf.writeBigUInt64LE(BigInt(value), offset); break;
  }
}

function readScalar(buf: Buffer, type: Scalar, offset: number): number {
  switch (type.kind) {
    case 'u8': return buf.readUInt8(offset);
    case 'u16': return buf.readUInt16LE(offset);
    case 'u32': return buf.readUInt32LE(offset);
    case 's32': return buf.readInt32LE(offset);
    case 'u64': return Number(buf.readBigUInt64LE(offset));
  }
}

function writeField(buf: Buffer, type: FieldType, offset: number, value: unknown): void {
  if (value === undefined) return;
  switch (type.kind) {
    case 'chars': {
      // NUL-terminated, truncated to fit.
      const bytes = Buffer.from(String(value), 'utf8').subarray(0, type.size - 1);
      bytes.copy(buf, offset);
      break;
    }
    case 'array':
      (value as number[]).forEach((v, i) => writeScalar(buf, type.of, offset + i * type.of.size, v));
      break;
    case 'struct':
      for (const [key, field] of Object.entries(type.fields)) {
        writeField(buf, field, offset + type.offsets[key]!, (value as Record<string, unknown>)[key]);
      }
      break;
    case 'union':
      for (const [key, member] of Object.entries(type.members)) {
        writeField(buf, member, offset, (value as Record<string, unknown>)[key]);
      }
      break;
    default:
      writeScalar(buf, type, offset, value as number);
  }
}

function readField(buf: Buffer, type: FieldType, offset: number): unknown {
  switch (type.kind) {
    case 'chars': {
      const bytes = buf.subarray(offset, offset + type.size);
      const end = bytes.indexOf(0);
      return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
    }
    case 'array':
      return Array.from({ length: type.length }, (_, i) => readScalar(buf, type.of, offset + i * type.of.size));
    case 'struct':
      return Object.fromEntries(Object.entries(type.fields).map(([key, field]) => [key, readField(buf, field, offset + type.offsets[key]!)]));
    case 'union':
      return Object.fromEntries(Object.entries(type.members).map(([key, member]) => [key, readField(buf, member, offset)]));
    default:
      return readScalar(buf, type, offset);
  }
}

/** A zeroed buffer of the struct's size with the given fields written. */
export function encode<F extends Fields>(layout: Struct<F>, value: Partial2<StructValue<F>>): Buffer {
  const buf = Buffer.alloc(layout.size);
  writeField(buf, layout, 0, value);
  return buf;
}

export function decode<F extends Fields>(layout: Struct<F>, buf: Buffer): StructValue<F> {
  if (buf.length < layout.size) throw new Error(`${layout.name}: buffer of ${buf.length} bytes, need ${layout.size}`);
  return readField(buf, layout, 0) as StructValue<F>;
}

/** Every (C member path, offset, size) of a layout, nested members included: what the C check compares. */
export function members(layout: Struct, prefix = '', base = 0): { path: string; offset: number; size: number }[] {
  const out: { path: string; offset: number; size: number }[] = [];
  for (const [key, type] of Object.entries(layout.fields)) {
    const path = prefix + key;
    const offset = base + layout.offsets[key]!;
    out.push({ path, offset, size: type.size });
    if (type.kind === 'struct') out.push(...members(type, `${path}.`, offset));
    if (type.kind === 'union') {
      for (const [name, member] of Object.entries(type.members)) {
        out.push({ path: `${path}.${name}`, offset, size: member.size });
        out.push(...members(member, `${path}.${name}.`, offset));
      }
    }
  }
  return out;
}
