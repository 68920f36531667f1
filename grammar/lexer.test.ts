import { tokenMatcher, type IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { NON_RESERVED_KEYWORDS, RESERVED_KEYWORDS } from './keywords.js';
import { tokenize } from './lexer.js';
import { NonReserved } from './tokens.js';

/** [token type, image] of every non-comment token. */
function kinds(text: string): [string, string][] {
  return tokenize(text).tokens.map((t) => [t.tokenType.name, t.image]);
}

function only(text: string): IToken {
  const r = tokenize(text);
  expect(r.diagnostics).toEqual([]);
  expect(r.tokens).toHaveLength(1);
  return r.tokens[0]!;
}

function diagnosticsAt(text: string): [number, number][] {
  return tokenize(text).diagnostics.map((d) => [d.line, d.column]);
}

describe('keywords', () => {
  it.each(['create', 'CREATE', 'Create', 'cReAtE'])('%s is the CREATE keyword whatever its case', (word) => {
    const tok = only(word);
    expect(tok.tokenType.name).toBe('CREATE');
    expect(tok.image).toBe(word);
  });

  it('every keyword lexes as itself in lower, upper and mixed case', () => {
    for (const kw of [...RESERVED_KEYWORDS, ...NON_RESERVED_KEYWORDS]) {
      const mixed = [...kw].map((c, i) => (i % 2 ? c.toLowerCase() : c)).join('');
      for (const spelling of [kw, kw.toLowerCase(), mixed]) expect(only(spelling).tokenType.name, spelling).toBe(kw);
    }
  });

  it('non-reserved keywords belong to the NonReserved category, reserved ones do not', () => {
    for (const kw of NON_RESERVED_KEYWORDS) expect(tokenMatcher(only(kw), NonReserved), kw).toBe(true);
    for (const kw of RESERVED_KEYWORDS) expect(tokenMatcher(only(kw), NonReserved), kw).toBe(false);
  });

  it('CONNECTORS and CONNECTOR are different reserved keywords', () => {
    expect(kinds('CONNECTORS CONNECTOR connectors')).toEqual([
      ['CONNECTORS', 'CONNECTORS'],
      ['CONNECTOR', 'CONNECTOR'],
      ['CONNECTORS', 'connectors'],
    ]);
    expect(tokenMatcher(only('CONNECTOR'), NonReserved)).toBe(false);
    expect(tokenMatcher(only('CONNECTORS'), NonReserved)).toBe(false);
  });

  it.each(['CONNECTORSX', 'CONNECTOR_', 'connector1', 'SOURCES', 'sink@x', 'WITHOUT', 'SHOWN', 'IFF', 'NULLABLE', 'TRUEISH'])(
    'a keyword followed by identifier characters (%s) is an identifier',
    (word) => {
      const tok = only(word);
      expect(tok.tokenType.name).toBe('Identifier');
      expect(tok.image).toBe(word);
    },
  );

  it('keywords are only matched on ASCII letters (no Unicode case folding)', () => {
    // U+017F LATIN SMALL LETTER LONG S upper-cases to 'S' in Unicode, but is not a letter of the SQL alphabet.
    expect(tokenize('\u017fINK').diagnostics).toHaveLength(1);
    expect(kinds('\u017fINK')).toEqual([['Identifier', 'INK']]);
  });
});

describe('identifiers', () => {
  it.each(['a', 'abc', 'ABC', '_', '_x', 'a1', 'a_b', 'a@b', 'a@', 'x@@1_', 'Z9'])('%s is an Identifier', (word) => {
    const tok = only(word);
    expect(tok.tokenType.name).toBe('Identifier');
    expect(tok.image).toBe(word);
  });

  it("'@' may not start an identifier", () => {
    expect(diagnosticsAt('@abc')).toEqual([[1, 1]]);
    expect(kinds('@abc')).toEqual([['Identifier', 'abc']]);
  });

  it('a non-ASCII letter ends an identifier and is reported', () => {
    const r = tokenize('café x');
    expect(r.tokens.map((t) => t.image)).toEqual(['caf', 'x']);
    expect(r.diagnostics.map((d) => [d.line, d.column, d.offset])).toEqual([[1, 4, 3]]);
  });

  it.each(['1abc', '1_', '123@x', '0a0', '1e3x', '1E', '12e_'])('%s is a DigitIdentifier', (word) => {
    const tok = only(word);
    expect(tok.tokenType.name).toBe('DigitIdentifier');
    expect(tok.image).toBe(word);
  });
});

describe('numbers', () => {
  it.each([
    ['1', 'IntegerLiteral'],
    ['007', 'IntegerLiteral'],
    ['99999999999999999999', 'IntegerLiteral'],
    ['1.5', 'DecimalLiteral'],
    ['.5', 'DecimalLiteral'],
    ['1.', 'DecimalLiteral'],
    ['10.25', 'DecimalLiteral'],
    ['1e3', 'FloatingPointLiteral'],
    ['1E3', 'FloatingPointLiteral'],
    ['1.5E-3', 'FloatingPointLiteral'],
    ['1.5e+3', 'FloatingPointLiteral'],
    ['.5e2', 'FloatingPointLiteral'],
    ['1.e3', 'FloatingPointLiteral'],
  ])('%s is one %s', (text, type) => {
    const tok = only(text);
    expect(tok.tokenType.name).toBe(type);
    expect(tok.image).toBe(text);
  });

  it('a minus sign is its own token (the parser handles signs)', () => {
    expect(kinds('-5 - 1.5')).toEqual([
      ['Minus', '-'],
      ['IntegerLiteral', '5'],
      ['Minus', '-'],
      ['DecimalLiteral', '1.5'],
    ]);
  });

  it('numbers end at punctuation', () => {
    expect(kinds('(1,2.5)')).toEqual([
      ['LParen', '('],
      ['IntegerLiteral', '1'],
      ['Comma', ','],
      ['DecimalLiteral', '2.5'],
      ['RParen', ')'],
    ]);
  });
});

describe('strings', () => {
  it("'' inside a string is an escaped quote, part of one token", () => {
    expect(only("'it''s'").image).toBe("'it''s'");
    expect(only("''").tokenType.name).toBe('StringLiteral');
    expect(only("''''").image).toBe("''''");
    expect(kinds("'a' 'b'")).toEqual([
      ['StringLiteral', "'a'"],
      ['StringLiteral', "'b'"],
    ]);
  });

  it('there are no backslash escapes', () => {
    expect(kinds("'a\\' 'b'")).toEqual([
      ['StringLiteral', "'a\\'"],
      ['StringLiteral', "'b'"],
    ]);
  });

  it('a string may span lines, and positions after it count those lines', () => {
    const r = tokenize("SET 'a\nb\nc' = 'x';");
    expect(r.diagnostics).toEqual([]);
    expect(r.tokens[1]!.image).toBe("'a\nb\nc'");
    const eq = r.tokens[2]!;
    expect([eq.image, eq.startLine, eq.startColumn]).toEqual(['=', 3, 4]);
  });

  it('comment markers and other quotes inside a string are just text', () => {
    const r = tokenize("'-- not a comment' '/* nor this */' 'a \"b\" `c` ${d} ; #'");
    expect(r.diagnostics).toEqual([]);
    expect(r.comments).toEqual([]);
    expect(r.tokens.map((t) => t.tokenType.name)).toEqual(['StringLiteral', 'StringLiteral', 'StringLiteral']);
  });

  it("ksqlDB's CommentStripper example: a '' pair does not close the string, so the -- inside is text", () => {
    const r = tokenize("'this isn''t a comment -- the first quote isn''t closed' -- comment");
    expect(r.tokens.map((t) => t.image)).toEqual(["'this isn''t a comment -- the first quote isn''t closed'"]);
    expect(r.comments.map((t) => t.image)).toEqual(['-- comment']);
  });
});

describe('quoted identifiers', () => {
  it.each([
    ['"foo.bar"', 'QuotedIdentifier'],
    ['"a""b"', 'QuotedIdentifier'],
    ['"a b-c"', 'QuotedIdentifier'],
    ['""', 'QuotedIdentifier'],
    ['"it\'s"', 'QuotedIdentifier'],
    ['`back`', 'BackquotedIdentifier'],
    ['`a``b`', 'BackquotedIdentifier'],
    ['`jdbc-connector`', 'BackquotedIdentifier'],
    ['`"x"`', 'BackquotedIdentifier'],
  ])('%s is one %s', (text, type) => {
    const tok = only(text);
    expect(tok.tokenType.name).toBe(type);
    expect(tok.image).toBe(text);
  });

  it('quoted identifiers may span lines', () => {
    const r = tokenize('"a\nb" x');
    expect(r.tokens.map((t) => [t.image, t.startLine, t.startColumn])).toEqual([
      ['"a\nb"', 1, 1],
      ['x', 2, 4],
    ]);
  });
});

describe('variables', () => {
  it.each(['${var}', '${VAR}', '${_x}', '${a1_@}', '${topicName}'])('%s is one Variable token', (text) => {
    const tok = only(text);
    expect(tok.tokenType.name).toBe('Variable');
    expect(tok.image).toBe(text);
  });

  it.each([
    ['${ x}', [[1, 1], [1, 5]]],
    ['${x }', [[1, 1], [1, 5]]],
    ['${1x}', [[1, 1], [1, 5]]],
    ['${}', [[1, 1]]],
    ['$x', [[1, 1]]],
    ['${@x}', [[1, 1], [1, 5]]],
  ])('%s is not a variable: lexical errors at %j', (text, at) => {
    const r = tokenize(text);
    expect(r.tokens.some((t) => t.tokenType.name === 'Variable')).toBe(false);
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual(at);
  });

  it('a variable is followed directly by other tokens', () => {
    expect(kinds('${a}b${c}')).toEqual([
      ['Variable', '${a}'],
      ['Identifier', 'b'],
      ['Variable', '${c}'],
    ]);
  });
});

describe('comments', () => {
  it('-- runs to the end of the line and is kept apart from the tokens', () => {
    const r = tokenize('SHOW -- inline comment\nCONNECTORS;');
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW', 'CONNECTORS', ';']);
    expect(r.comments.map((t) => t.image)).toEqual(['-- inline comment']);
    expect([r.tokens[1]!.startLine, r.tokens[1]!.startColumn]).toEqual([2, 1]);
  });

  it('-- at the end of input without a newline', () => {
    const r = tokenize('SHOW CONNECTORS; --');
    expect(r.tokens).toHaveLength(3);
    expect(r.comments.map((t) => t.image)).toEqual(['--']);
  });

  it('-- ends at \\r\\n and at a lone \\r too', () => {
    expect(kinds('-- a\r\nSHOW').map(([, i]) => i)).toEqual(['SHOW']);
    expect(kinds('-- a\rSHOW').map(([, i]) => i)).toEqual(['SHOW']);
  });

  it('--5 is a comment, - -5 is two minus signs and a number', () => {
    expect(kinds('--5')).toEqual([]);
    expect(kinds('- -5').map(([k]) => k)).toEqual(['Minus', 'Minus', 'IntegerLiteral']);
  });

  it('/* */ comments may span lines and sit between any tokens', () => {
    const r = tokenize('SHOW /* inline\ncomment */\nCONNECTORS/*x*/;');
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW', 'CONNECTORS', ';']);
    expect(r.comments.map((t) => t.image)).toEqual(['/* inline\ncomment */', '/*x*/']);
    expect([r.tokens[1]!.startLine, r.tokens[1]!.startColumn]).toEqual([3, 1]);
  });

  it('/* */ is the shortest match: two comments stay two', () => {
    const r = tokenize('/* a */ SHOW /* b */');
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW']);
    expect(r.comments).toHaveLength(2);
  });

  it('/* */ does not nest: the first */ ends the comment', () => {
    const r = tokenize('/* outer /* inner */ SHOW */');
    expect(r.comments.map((t) => t.image)).toEqual(['/* outer /* inner */']);
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW']);
    // The dangling '*/' is two unexpected characters, reported once at the '*'.
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([[1, 27]]);
  });

  it("quotes inside comments do not open strings (ksqlDB MigrationsTest: -- let's …)", () => {
    const r = tokenize("-- let's create some connectors!!!\nSHOW CONNECTORS; /* add some '''data''' */ SHOW VARIABLES;");
    expect(r.diagnostics).toEqual([]);
    expect(r.tokens.map((t) => t.image).join(' ')).toBe('SHOW CONNECTORS ; SHOW VARIABLES ;');
  });

  it('/**/ is an empty comment', () => {
    expect(tokenize('/**/').comments.map((t) => t.image)).toEqual(['/**/']);
  });
});

describe('unterminated tokens', () => {
  it.each([
    ["SHOW 'abc", 1, 6],
    ["SET 'a' = 'b;\nSHOW CONNECTORS;", 1, 11],
    ['DESCRIBE CONNECTOR "abc', 1, 20],
    ['DESCRIBE CONNECTOR `abc', 1, 20],
    ['SHOW /* never closed', 1, 6],
    ["SHOW CONNECTORS;\n  SET 'x' =\n   'abc\n\ndef", 3, 4],
    ['SHOW CONNECTORS;\n\t/* a\n * b', 2, 2],
  ])('%j: reported once, where it opened (%i:%i)', (text, line, column) => {
    const r = tokenize(text);
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([[line, column]]);
  });

  it('an unterminated token swallows the rest of the input', () => {
    const r = tokenize("SHOW 'abc; SHOW CONNECTORS;");
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW']);
  });

  it("'abc'' is the string 'abc' and an unclosed quote (the longest complete match wins, as in ANTLR)", () => {
    expect(kinds("'abc''")).toEqual([['StringLiteral', "'abc'"]]);
    expect(diagnosticsAt("'abc''")).toEqual([[1, 6]]);
    expect(diagnosticsAt("'abc'''")).toEqual([]);
  });

  it('different unclosed things give different diagnostics', () => {
    const messages = ["'a", '"a', '`a', '/* a'].map((t) => tokenize(t).diagnostics[0]!.message);
    expect(new Set(messages).size).toBe(4);
  });
});

describe('unexpected characters', () => {
  it.each([
    ['SHOW # CONNECTORS', 1, 6],
    ['SHOW ? CONNECTORS', 1, 6],
    ['SHOW\n  \u0001', 2, 3],
    ['SHOW\n\n  é', 3, 3],
    ['SHOW €', 1, 6],
    ['SHOW\tCONNECTORS\t!', 1, 17],
    ['a.b', 1, 2],
    ['x[1]', 1, 2],
    ['SHOW \\ ', 1, 6],
  ])('%j → an error at %i:%i', (text, line, column) => {
    const r = tokenize(text);
    expect(r.diagnostics.map((d) => [d.line, d.column])[0]).toEqual([line, column]);
  });

  it('positions count CRLF as one line break', () => {
    expect(diagnosticsAt('SHOW\r\nCONNECTORS\r\n  #')).toEqual([[3, 3]]);
  });

  it('several bad characters are each reported, in order', () => {
    expect(diagnosticsAt('# x ? y\n!')).toEqual([
      [1, 1],
      [1, 5],
      [2, 1],
    ]);
  });

  it('a control character is described as such, not printed raw', () => {
    const d = tokenize('\u0007').diagnostics[0]!;
    expect(d.message).not.toContain('\u0007');
    expect(d.message).toMatch(/U\+0007/);
  });

  it.each([
    ['\u0000', 'unexpected control character U+0000 (NUL)'],
    ['\u001b', 'unexpected control character U+001B (ESC)'],
    ['\u000b', 'unexpected control character U+000B (VT)'],
    ['\u007f', 'unexpected control character U+007F (DEL)'],
    ['\u0085', 'unexpected control character U+0085'],
    ['\u00a0', 'unexpected no-break space U+00A0'],
    ['\u200b', 'unexpected zero-width space U+200B'],
    ['\u2003', 'unexpected invisible character U+2003'],
  ])('%j reads as a name and a code point, without the hint about names', (ch, message) => {
    expect(tokenize(`SHOW ${ch} CONNECTORS`).diagnostics.map((d) => d.message)).toEqual([message]);
  });

  it('a printable character is quoted, with its code point when not ASCII, and the hint about names', () => {
    expect(tokenize('SHOW #').diagnostics[0]!.message).toBe("unexpected character '#': identifiers use letters, digits, _ and @ (quote other names with ` or \")");
    expect(tokenize('SHOW é').diagnostics[0]!.message).toMatch(/^unexpected character 'é' \(U\+00E9\): identifiers use/);
  });

  it('diagnostics carry the offset and length of the offending text', () => {
    const d = tokenize('ab #').diagnostics[0]!;
    expect([d.offset, d.length]).toEqual([3, 1]);
  });
});

describe('huge tokens', () => {
  it.each([
    ["'", "'"],
    ['"', '"'],
    ['`', '`'],
  ])('a 10 MB %s…%s token lexes (a regular expression overflowed the stack), and is over the limit', (open, close) => {
    const r = tokenize(`SHOW ${open}${'x'.repeat(10 * 1024 * 1024)}${close}`);
    expect(r.tokens).toHaveLength(2);
    expect(r.diagnostics).toEqual([expect.objectContaining({ kind: 'too-large', line: 1, column: 6 })]);
  });

  it.each(["'", '"', '`'])('a %s…%s of five million doubled quotes lexes as one token (the unrolled pattern overflowed the stack)', (q) => {
    const r = tokenize(`${q}${q.repeat(10 * 1024 * 1024)}${q}`);
    expect(r.tokens).toHaveLength(1);
    expect(r.diagnostics.map((d) => d.kind)).toEqual(['too-large']);
  });

  it("a quoted form ends as the regular expression would: at a lone quote, else before the last doubled one", () => {
    expect(kinds("'a''b' x")).toEqual([['StringLiteral', "'a''b'"], ['Identifier', 'x']]);
    expect(kinds("'a''b''")).toEqual([['StringLiteral', "'a''b'"]]);
    expect(tokenize("'a''b''").diagnostics.map((d) => [d.kind, d.column])).toEqual([['unterminated', 7]]);
    expect(tokenize("'a''b").diagnostics.map((d) => [d.kind, d.column])).toEqual([['unterminated', 4]]);
  });

  it.each(['\u0000', '#', 'é', '😀'])('10 MB of %j is one diagnostic, at once (chevrotain\'s recovery took 20 s over it)', (ch) => {
    const r = tokenize(`SHOW ${ch.repeat((10 * 1024 * 1024) / ch.length)} CONNECTORS`);
    expect(r.tokens.map((t) => t.image)).toEqual(['SHOW', 'CONNECTORS']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ kind: 'unexpected', line: 1, column: 6, length: 10 * 1024 * 1024 })]);
  }, 2000);

  it('a 10 MB unclosed string is one unterminated diagnostic', () => {
    const r = tokenize(`SHOW '${'x'.repeat(10 * 1024 * 1024)}`);
    expect(r.diagnostics).toEqual([expect.objectContaining({ kind: 'unterminated', line: 1, column: 6 })]);
  });
});

describe('whitespace and punctuation', () => {
  it('spaces, tabs, CR, LF and form feeds separate tokens and are dropped', () => {
    expect(kinds(' \t\r\n\fSHOW \t\r\n\f CONNECTORS ').map(([, i]) => i)).toEqual(['SHOW', 'CONNECTORS']);
  });

  it('punctuation needs no whitespace', () => {
    expect(kinds("WITH('a'='b',c=1);").map(([k]) => k)).toEqual([
      'WITH',
      'LParen',
      'StringLiteral',
      'Equals',
      'StringLiteral',
      'Comma',
      'Identifier',
      'Equals',
      'IntegerLiteral',
      'RParen',
      'Semicolon',
    ]);
  });

  it('token positions are 1-based line and column', () => {
    const r = tokenize('SHOW\n  CONNECTORS ;');
    expect(r.tokens.map((t) => [t.startLine, t.startColumn, t.startOffset])).toEqual([
      [1, 1, 0],
      [2, 3, 7],
      [2, 14, 18],
    ]);
  });

  it('empty input has no tokens and no diagnostics', () => {
    expect(tokenize('')).toEqual({ tokens: [], comments: [], diagnostics: [] });
  });
});
