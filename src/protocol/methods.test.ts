import { describe, expect, it } from 'vitest';
import protocolDoc from '../../docs/protocol.md?raw';
import { CodecErrorCode } from './codecErrors.js';
import { isWireErrorCode, wireCodeForCodecError, WireErrorCode } from './errorCodes.js';
import { isMethodId, Method, METHODS, type MethodName } from './methods.js';

describe('method registry', () => {
  it('maps every method id to its own request and response types', () => {
    const names = Object.keys(Method) as MethodName[];
    expect(Object.keys(METHODS)).toHaveLength(names.length);
    const typeNames = new Set<string>();
    for (const name of names) {
      const spec = METHODS[Method[name]];
      expect(spec.name).toBe(name);
      expect(spec.request.typeName).toBe(`qpc.v1.${name}Request`);
      expect(spec.response.typeName).toBe(`qpc.v1.${name}Response`);
      typeNames.add(spec.request.typeName).add(spec.response.typeName);
    }
    expect(typeNames.size).toBe(names.length * 2);
  });

  it('knows its ids and nothing else', () => {
    expect(isMethodId(400)).toBe(true);
    expect(isMethodId(0)).toBe(false);
    expect(isMethodId(403)).toBe(false);
    expect(isMethodId(501)).toBe(true);
    expect(METHODS[Method.SetSealedAccess].auth).toBe('session');
    expect(isMethodId(502)).toBe(false);
  });

  it('needs a session for every method except ping, login, registration and sealed send', () => {
    const optional = Object.values(METHODS)
      .filter((spec) => spec.auth === 'optional')
      .map((spec) => spec.name);
    expect(optional).toEqual(['ReRegisterFinish']);
    const open = Object.values(METHODS)
      .filter((spec) => spec.auth === 'none')
      .map((spec) => spec.name)
      .sort();
    expect(open).toEqual([
      'LoginFinish',
      'LoginStart',
      'OpenCallStream',
      'Ping',
      'ReRegisterStart',
      'RegisterFinish',
      'RegisterStart',
      'SealedSend',
    ]);
  });
});

describe('error codes', () => {
  it('are unique upper-case strings and recognised', () => {
    const values = Object.values(WireErrorCode);
    expect(new Set(values).size).toBe(values.length);
    for (const code of values) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(isWireErrorCode(code)).toBe(true);
    }
    expect(isWireErrorCode('NOPE')).toBe(false);
  });

  it('map codec failures to wire codes', () => {
    expect(wireCodeForCodecError(CodecErrorCode.UnknownMethod)).toBe(WireErrorCode.UnknownMethod);
    expect(wireCodeForCodecError(CodecErrorCode.FieldTooLarge)).toBe(WireErrorCode.BadRequest);
  });
});

describe('docs/protocol.md', () => {
  it('documents every method with its id, every wire error code and every codec error code', () => {
    for (const [name, id] of Object.entries(Method)) {
      expect(protocolDoc).toMatch(new RegExp(`\\| ${id} +\\| ${name} +\\|`));
    }
    for (const code of Object.values(WireErrorCode)) {
      expect(protocolDoc).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
    }
    for (const code of Object.values(CodecErrorCode)) expect(protocolDoc).toContain(`\`${code}\``);
  });

  it('names every request and response message in the method table', () => {
    for (const spec of Object.values(METHODS)) {
      expect(protocolDoc).toContain(`\`${spec.request.name}{`);
      expect(protocolDoc).toContain(`\`${spec.response.name}{`);
      for (const field of [...spec.request.fields, ...spec.response.fields]) {
        expect(protocolDoc, `${spec.name}: ${field.name}`).toContain(field.name);
      }
    }
  });
});
