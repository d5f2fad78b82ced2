// Argument checks and error messages worded exactly like convolab._args:
// "<name> must be <expected>, got <value>", values written as Python's repr() writes them.
// Python ints are JS integers, Python tuples are JS arrays, Python strs are JS strings,
// True/False are booleans and None is null. tests/visualize/golden.json holds the messages
// Python gives for the same arguments; tests/visualize/js/ checks these against it.

export class ArgError extends Error {}

export function isInt(value) {
  return typeof value === "number" && Number.isInteger(value);
}

export function isSequence(value) {
  return Array.isArray(value);
}

// repr() of a float that is not integral: Python writes exponents below 1e-4 as "1.5e-05".
function floatRepr(value) {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const [mantissa, exponent] = value.toExponential().split("e");
  const power = Number(exponent);
  if (power >= -4) return String(value);
  const digits = String(Math.abs(power)).padStart(2, "0");
  return `${mantissa}e-${digits}`;
}

export function pyRepr(value) {
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "number" && !Number.isInteger(value)) return floatRepr(value);
  return String(value);
}

function pyTypeName(value) {
  if (Array.isArray(value)) return "tuple";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return typeof value;
}

export function invalid(name, value, expected) {
  return new ArgError(`${name} must be ${expected}, got ${pyRepr(value)}`);
}

export function wrongType(name, value, expected) {
  return new ArgError(
    `${name} must be ${expected}, got ${pyRepr(value)} of type ${pyTypeName(value)}`,
  );
}

export function asInt(value, name, minimum) {
  const expected = `an int >= ${minimum}`;
  if (!isInt(value)) throw wrongType(name, value, expected);
  if (value < minimum) throw invalid(name, value, expected);
  return value;
}

// The number of dimensions the sequences among `values` imply: one-element sequences
// broadcast (as in torch), so they decide only when no longer one is given.
export function inferNdim(values, fallback = 1) {
  const lengths = values.filter(isSequence).map((v) => v.length);
  const longer = lengths.find((n) => n !== 1);
  return longer !== undefined ? longer : lengths.length ? 1 : fallback;
}

// An int or a sequence of `ndim` ints (or of one, broadcast), each >= `minimum`.
export function asTuple(value, ndim, name, minimum) {
  const expected = `an int >= ${minimum} or a tuple of ${ndim} such ints`;
  if (isInt(value)) {
    if (value < minimum) throw invalid(name, value, expected);
    return Array(ndim).fill(value);
  }
  if (!isSequence(value)) throw wrongType(name, value, expected);
  const items = value.length === 1 ? Array(ndim).fill(value[0]) : value.slice();
  if (items.length !== ndim) throw invalid(name, value, expected);
  if (!items.every(isInt)) throw wrongType(name, value, expected);
  if (items.some((v) => v < minimum)) throw invalid(name, value, expected);
  return items;
}

// Explicit padding as [[lo, hi], ...]: an int, `ndim` ints, or `ndim` (lo, hi) pairs; a
// one-element sequence broadcasts. Strings are the caller's business.
export function asPaddingPairs(padding, ndim, name = "padding") {
  const expected =
    `an int >= 0, a tuple of ${ndim} ints >= 0, or a tuple of ${ndim} (before, after) pairs` +
    " of ints >= 0";
  if (isInt(padding)) {
    if (padding < 0) throw invalid(name, padding, expected);
    return Array.from({ length: ndim }, () => [padding, padding]);
  }
  if (isSequence(padding) && padding.length === 1) padding = Array(ndim).fill(padding[0]);
  if (!isSequence(padding) || padding.length !== ndim) {
    if (isSequence(padding) || typeof padding === "string") throw invalid(name, padding, expected);
    throw wrongType(name, padding, expected);
  }
  const pairs = padding.map((item) => {
    if (isInt(item)) return [item, item];
    if (isSequence(item) && item.length === 2 && item.every(isInt)) return item.slice();
    throw invalid(name, padding, expected);
  });
  if (pairs.some((pair) => pair.some((v) => v < 0))) throw invalid(name, padding, expected);
  return pairs;
}

export function asChoice(value, name, choices) {
  if (typeof value !== "string" || !choices.includes(value)) {
    throw invalid(name, value, "one of " + choices.map(pyRepr).join(", "));
  }
  return value;
}
