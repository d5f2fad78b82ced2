// Argument checks and error messages worded exactly like convolab._args:
// "<name> must be <expected>, got <value>", values written as Python's repr() writes them.
// Python ints are JS integers, Python tuples are JS arrays, Python strs are JS strings.

export class ArgError extends Error {}

export function isInt(value) {
  return typeof value === "number" && Number.isInteger(value);
}

export function isSequence(value) {
  return Array.isArray(value);
}

export function pyRepr(value) {
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number" && !Number.isInteger(value)) {
    return Number.isFinite(value) ? String(value) : value > 0 ? "inf" : "nan";
  }
  return String(value);
}

function pyTypeName(value) {
  if (Array.isArray(value)) return "tuple";
  if (typeof value === "string") return "str";
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

export function inferNdim(values, fallback = 1) {
  const first = values.find(isSequence);
  return first === undefined ? fallback : first.length;
}

export function asTuple(value, ndim, name, minimum) {
  const expected = `an int >= ${minimum} or a tuple of ${ndim} such ints`;
  if (isInt(value)) {
    if (value < minimum) throw invalid(name, value, expected);
    return Array(ndim).fill(value);
  }
  if (!isSequence(value)) throw wrongType(name, value, expected);
  if (value.length !== ndim) throw invalid(name, value, expected);
  if (!value.every(isInt)) throw wrongType(name, value, expected);
  if (value.some((v) => v < minimum)) throw invalid(name, value, expected);
  return value.slice();
}

export function asPaddingPairs(padding, ndim, name = "padding") {
  const expected =
    `an int >= 0, a tuple of ${ndim} ints >= 0, or a tuple of ${ndim} (before, after) pairs` +
    " of ints >= 0";
  if (isInt(padding)) {
    if (padding < 0) throw invalid(name, padding, expected);
    return Array.from({ length: ndim }, () => [padding, padding]);
  }
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
