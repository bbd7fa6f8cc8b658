/**
 * Every field of every request in the contract (core/api/contract.ts) has a
 * runtime validator in core/api/validate.ts, required where the contract
 * requires it and optional where it is optional, down to nested objects and
 * list items. The compiler cannot check this: `obj()` accepts a shape with a
 * field missing, and a field added to the contract but not to validate.ts
 * compiles and is then refused at run time as "unknown field". So the test
 * reads the contract's types with the TypeScript compiler and walks the
 * validators' shapes next to them.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../core/api/contract.js';
import { requestValidators } from '../../../core/api/validate.js';

const contractFile = fileURLToPath(new URL('../../../core/api/contract.ts', import.meta.url));
const program = ts.createProgram([contractFile], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, types: [] });
const checker = program.getTypeChecker();

function apiType(): ts.Type {
  const source = program.getSourceFile(contractFile);
  if (!source) throw new Error('core/api/contract.ts did not load');
  let found: ts.Type | undefined;
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Api') found = checker.getTypeAtLocation(node);
  });
  if (!found) throw new Error('interface Api not found');
  return found;
}

interface ValidatorShape {
  fields?: { required: Record<string, ValidatorShape>; optional: Record<string, ValidatorShape> };
  item?: ValidatorShape;
}

/** Fields of a TypeScript object type the validator does not mirror; '' when they agree. */
function compare(type: ts.Type, validator: ValidatorShape, path: string, problems: string[]): void {
  const t = checker.getNonNullableType(type);
  if (checker.isArrayType(t)) {
    const element = checker.getTypeArguments(t as ts.TypeReference)[0];
    if (!validator.item) problems.push(`${path}: a list in the contract, not in the validator`);
    else if (element) compare(element, validator.item, `${path}[]`, problems);
    return;
  }
  const isObject = (t.flags & ts.TypeFlags.Object) !== 0 && checker.getSignaturesOfType(t, ts.SignatureKind.Call).length === 0;
  if (!isObject) return;
  if (!validator.fields) {
    problems.push(`${path}: an object in the contract, not in the validator`);
    return;
  }
  const { required, optional } = validator.fields;
  const declared = new Set<string>();
  for (const property of checker.getPropertiesOfType(t)) {
    const name = property.getName();
    declared.add(name);
    const isOptional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    const check = isOptional ? optional[name] : required[name];
    if (!check) {
      const other = isOptional ? required[name] : optional[name];
      problems.push(other ? `${path}.${name}: ${isOptional ? 'optional' : 'required'} in the contract, ${isOptional ? 'required' : 'optional'} in the validator` : `${path}.${name}: no validator`);
      continue;
    }
    compare(checker.getTypeOfSymbol(property), check, `${path}.${name}`, problems);
  }
  for (const name of [...Object.keys(required), ...Object.keys(optional)]) {
    if (!declared.has(name)) problems.push(`${path}.${name}: validated but not in the contract`);
  }
}

describe('request validators', () => {
  const api = apiType();
  it.each(CHANNELS.map((channel) => [channel]))('%s checks every field of its request', (channel) => {
    const entry = api.getProperty(channel);
    expect(entry, `${channel} is in the contract`).toBeDefined();
    const req = checker.getTypeOfSymbol(entry as ts.Symbol).getProperty('req');
    expect(req, `${channel} has a req type`).toBeDefined();
    const problems: string[] = [];
    compare(checker.getTypeOfSymbol(req as ts.Symbol), requestValidators[channel] as unknown as ValidatorShape, 'request', problems);
    expect(problems.join('\n')).toBe('');
  });

  it('finds a field the validator lacks (the walk is not vacuous)', () => {
    const problems: string[] = [];
    const withExtra = checker.getTypeOfSymbol((checker.getTypeOfSymbol(api.getProperty('pool:fill') as ts.Symbol).getProperty('req')) as ts.Symbol);
    const real = requestValidators['pool:fill'] as unknown as Required<ValidatorShape>;
    const lacking: ValidatorShape = { fields: { required: real.fields.required, optional: {} } };
    compare(withExtra, lacking, 'request', problems);
    expect(problems).toEqual(['request.replace: no validator']);
  });
});
