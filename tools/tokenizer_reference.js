#!/usr/bin/env node
/* tools/tokenizer_reference.js - expected token ids from Hugging Face's own fast tokenizer.

   Uses the npm package `tokenizers` (the Rust library behind BertTokenizerFast, prebuilt), with a
   tokenizer.json equivalent to bert-base-(un)cased's built from vocab.txt: BertNormalizer,
   BertPreTokenizer, WordPiece, TemplateProcessing, and [PAD] [UNK] [CLS] [SEP] [MASK] as special
   added tokens (normalized: false), exactly as in the Hub's tokenizer.json.

   Setup (once):   cd tools && npm ci
   Commands (from the repository root):
     node tools/tokenizer_reference.js encode --vocab FILE [--do_lower_case 0|1] [--max_seq_length N]
                                               [--truncation longest_first|only_first|only_second]
         reads "sentence1<TAB>sentence2" lines from stdin and prints what `./bertft tokenize` prints
     node tools/tokenizer_reference.js fixtures [--data ../shared/data] [--out tests/data]
         regenerates tests/data/tokenizer_glue.txt (hashes of every GLUE row's encoding),
         tests/data/tokenizer_hard.txt (full ids of the hard strings below) and
         tests/data/tokenizer_fuzz.txt (random texts and the hashes of their encodings),
         tests/data/tokenizer_unicode.txt (every code point through HF's normalizer, hashed per block)
     node tools/tokenizer_reference.js tokenizer_json --vocab FILE [--do_lower_case 0|1] > tokenizer.json
     node tools/tokenizer_reference.js check_saved DIR
         DIR/tokenizer.json (written by bft_tokenizer_save) loads in HF and encodes like the reference
     node tools/tokenizer_reference.js bench --vocab FILE --data DIR
         single-threaded speed of HF tokenizers on MRPC train (see tools/bench_tokenizer.sh) */
'use strict';
const fs = require('fs');
const path = require('path');
process.env.TOKENIZERS_PARALLELISM = process.env.TOKENIZERS_PARALLELISM || 'false';
const { Tokenizer } = require(path.join(__dirname, 'node_modules', 'tokenizers'));

function args(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) { o[a.slice(2).replace(/-/g, '_')] = argv[i + 1]; i++; }
  }
  return o;
}

function buildTokenizerJson(vocabPath, lowercase) {
  const lines = fs.readFileSync(vocabPath, 'utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const vocab = {};
  lines.forEach((tok, i) => { vocab[tok.replace(/\r$/, '')] = i; });
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter(s => s in vocab);
  const added = specials.map(s => ({ id: vocab[s], content: s, single_word: false, lstrip: false, rstrip: false,
                                      normalized: false, special: true })).sort((a, b) => a.id - b.id);
  const cls = vocab['[CLS]'], sep = vocab['[SEP]'];
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
               { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
             { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } },
             { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
                        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function makeTokenizer(vocabPath, lowercase) {
  return Tokenizer.fromString(JSON.stringify(buildTokenizerJson(vocabPath, lowercase)));
}

const STRATEGY = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' };

function setTrunc(tok, maxLen, strategy) {
  if (maxLen > 0) tok.setTruncation(maxLen, { strategy: STRATEGY[strategy || 'longest_first'] });
  else tok.disableTruncation();
}

/* One CLI input line -> [a, b|null], as ./bertft tokenize splits it (first TAB). */
function splitLine(line) {
  const t = line.indexOf('\t');
  return t < 0 ? [line, null] : [line.slice(0, t), line.slice(t + 1)];
}

async function encodeAll(tok, pairs) {
  /* encodeBatch fails as a whole on one bad row: encode one by one then */
  try {
    return await tok.encodeBatch(pairs.map(([a, b]) => (b === null ? a : [a, b])));
  } catch (e) {
    const out = [];
    for (const [a, b] of pairs) {
      try { out.push(await tok.encode(a, b)); } catch (err) { out.push(null); }
    }
    return out;
  }
}

/* GLUE rows as the C test reads them: split on \n then TAB, no quoting. */
const GLUE = [
  // [task, file, header?, col1, col2 (-1 = single)]
  ['MRPC', 'train.tsv', 1, 3, 4], ['MRPC', 'dev.tsv', 1, 3, 4], ['MRPC', 'test.tsv', 1, 3, 4],
  ['RTE', 'train.tsv', 1, 1, 2], ['RTE', 'dev.tsv', 1, 1, 2], ['RTE', 'test.tsv', 1, 1, 2],
  ['STS-B', 'train.tsv', 1, 7, 8], ['STS-B', 'dev.tsv', 1, 7, 8], ['STS-B', 'test.tsv', 1, 7, 8],
  ['CoLA', 'train.tsv', 0, 3, -1], ['CoLA', 'dev.tsv', 0, 3, -1], ['CoLA', 'test.tsv', 1, 1, -1],
  ['WNLI', 'train.tsv', 1, 1, 2], ['WNLI', 'dev.tsv', 1, 1, 2], ['WNLI', 'test.tsv', 1, 1, 2],
];

function readGlue(dataDir, task, file, header, c1, c2) {
  let text = fs.readFileSync(path.join(dataDir, 'glue', task, file), 'utf8');
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(header).map(l => {
    const f = l.split('\t');
    return [f[c1] === undefined ? '' : f[c1], c2 < 0 ? null : (f[c2] === undefined ? '' : f[c2])];
  });
}

/* FNV-1a (32 bit) over the 32-bit values ids..., 0xFFFFFFFF, types... (same in the C test) */
function hashEnc(ids, types) {
  let h = 2166136261;
  const step = v => { h = Math.imul((h ^ v) >>> 0, 16777619) >>> 0; };
  for (const v of ids) step(v);
  step(0xFFFFFFFF);
  for (const v of types) step(v);
  return h >>> 0;
}
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/* Hard strings: accents, combining marks, CJK, emoji, zero-width and control characters,
   full-width forms, Greek/Cyrillic/Turkish casing, long words, empty strings, lone punctuation. */
const HARD = [
  '', ' ', '\t\n', '.', '!', '?!', '...', '"', "'", '--', '(', ')', '[', ']', '#', '##', '@', '$5', '~', '`', '^', '|', '\\',
  'Hello, World!', 'hello world', 'HELLO WORLD', 'unaffable', "don't", "doesn't it?", 'U.S.A.', 'e-mail', 'C++ & C#',
  'naïve café résumé', 'Ünïcödé ÀÉÎÕÜ ñ Ñ ç Ç ø Ø å Å æ Æ œ Œ ß ẞ', 'Crème brûlée à la mode', 'Ångström Øresund',
  'e\u0301 a\u0300 o\u0308 n\u0303', 'e\u0301\u0327\u0316', 'a\u0315\u0300\u05ae\u0300b', 'x\u20dd y\u20e3', 'ǅ ǈ ǋ ǲ',
  'ﬁ ﬂ ﬃ ﬆ', 'ŉ', 'İstanbul', 'ISTANBUL ıi İI', 'ΣΑΣ σας ς', 'Ὀδυσσεύς', 'ᾼ ᾈ ᾏ ῼ', 'Москва МОСКВА Ёлка ё', 'Київ Її Ґґ',
  '中文字符', '我爱北京天安门', '日本語のテキスト', 'カタカナ ひらがな', '한국어 텍스트', '한글', '㐀 𠀀 𪜀 𫝀 𫠠 𬺰 豈 丽',
  '\u{2B820}\u{2B920}', '中a文b', '全角ＡＢＣ１２３！？', 'ｈｅｌｌｏ　ｗｏｒｌｄ', '\u3000x\u3000',
  '😀 😃 👍🏽 👨‍👩‍👧 🇺🇸 ❤️', 'I ❤ NY', '\u{1F600}\u{1F600}', 'a\u200bb', 'a\u200cb\u200dc', 'a\u2060b', 'a\ufeffb', 'a\u00adb',
  'a\u0000b', 'a\u0001b\u001fc', 'a\u007fb', 'a\u0085b', 'a\u00a0b', 'a\u1680b', 'a\u2002b\u2003c', 'a\u2028b\u2029c',
  'a\u202fb\u205fc', 'a\u000bb\u000cc', 'a\u001cb', 'a\ufffdb', 'a\ue000b', '\u{F0000}x', 'x\u{E0001}y',
  'a\u180eb', 'a\u0890b\u0891', 'a\u08e2b', 'a\u{110cd}b', 'a\u{13430}b',
  '«quoted» „German“ ‚x‘ “smart” ‘single’', '¿Qué? ¡Sí!', '—dash– ‐ ‑ ‒', '§ ¶ † ‡ • … ‰', '$ € £ ¥ ¢ ₹', '± × ÷ ≤ ≥ ≠',
  '© ® ™ ° µ', '¹²³ ½ ¼', '١٢٣ ٤', 'مرحبا بالعالم', 'שלום עולם', 'नमस्ते दुनिया', 'ภาษาไทย', 'ქართული Ა Ნ',
  'Ꭰ ꭰ', '𝐀𝐁𝐂 𝒜', '\u{1D15E}\u{1D160}', '\u{1D165}\u{1D16D}', 'ᄀ ᅡ ᆨ', 'ﾊﾝｶｸ', 'Ⅻ ⅻ', 'Ⓐ ⓐ',
  'a'.repeat(100), 'a'.repeat(101), 'b'.repeat(150) + ' ok', 'é'.repeat(100), 'é'.repeat(101), 'x' + '\u0301'.repeat(200),
  'supercalifragilisticexpialidocious', 'pneumonoultramicroscopicsilicovolcanoconiosis', 'antidisestablishmentarianism',
  '[SEP]', '[CLS] x [SEP]', 'a[SEP]b', '[MASK]ed', '[mask] [Mask] [UNK] [PAD]', '[SEP][SEP]', '[[SEP]]', '[SE P]',
  'the [MASK] is here', '  leading and trailing  ', 'multiple   spaces\t\ttabs', 'line\nbreak\r\nwindows',
  '12345 3.14159 1,000,000 10%', 'http://example.com/path?q=1&r=2', 'user@example.com', '#hashtag @mention',
  'x\u{1D16D}\u{1D165}y', 'x\u{1D16D}\u0301\u{1D165}y', 'a\u1DF6\u{1D165}b', 'a\u{1D165}\u1DF6b', 'a\u08D3\u{1D16D}b',
  'a\u1885\u1886b', 'x\u1734y', 'x\ua9bdy', 'x\u166dy', 'x\u{111c9}y', '\u1c89\ua7cb\u{10d50}\u{16ea0}', '\u{11938}',
  ':-) :( ;) <3', '...!!!???', 'a.b.c.d', 'ﷺ ﷽', 'ǰ ΐ ΰ', 'Ǆ ǆ Ǳ', 'K Å Ω', 'ﬀ ﬅ', 'Ⱥ ⱥ Ȿ', 'ꞵ Ꞵ',
];

/* Pairs (and single texts) for the truncation strategies at small max lengths. */
const HARD_PAIRS = [
  ['the quick brown fox', 'jumps over the lazy dog'],
  ['one two three four five six', 'seven'],
  ['a', 'b c d e f g h i j k l m n o p'],
  ['a b c d e f g h', 'i j k l m n o p'],
  ['a b c d e f g h i', 'j k l m n o p q'],
  ['a b c d e f g', 'h i j k l m n o p'],
  ['', ''], ['x', ''], ['', 'y'], ['unaffable unaffable unaffable', 'naïve naïve naïve'],
  ['中文 中文 中文', '한국어 한국어'], ['[SEP] [SEP] [SEP]', '[MASK] x y z'],
];

async function hardFixtures(dataDir) {
  const out = [];
  const hex = s => Buffer.from(s, 'utf8').toString('hex');
  for (const [vname, lower] of [['uncased', true], ['cased', false]]) {
    const tok = makeTokenizer(path.join(dataDir, 'vocab', `bert-base-${vname}.txt`), lower);
    const cases = [];
    for (const s of HARD) for (const ml of [128, 8]) cases.push([s, null, ml, 'longest_first']);
    for (let i = 0; i + 1 < HARD.length; i += 2) cases.push([HARD[i], HARD[i + 1], 128, 'longest_first']);
    for (const [a, b] of HARD_PAIRS) {
      for (const ml of [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16])
        for (const st of ['longest_first', 'only_first', 'only_second']) cases.push([a, b, ml, st]);
      for (const ml of [2, 4, 6]) cases.push([a, null, ml, 'longest_first']);
    }
    for (const [a, b, ml, st] of cases) {
      setTrunc(tok, ml, st);
      let ids = 'ERROR', types = 'ERROR';
      try {
        const e = await tok.encode(a, b);
        ids = e.getIds().join(' ');
        types = e.getTypeIds().join(' ');
      } catch (err) { /* HF refuses: the C side must refuse too */ }
      out.push([vname, ml, st, hex(a) || '-', b === null ? '*' : (hex(b) || '-'), ids, types].join('\t'));
    }
  }
  return out.join('\n') + '\n';
}

/* Random texts (seeded, reproducible) mixing ASCII words, special tokens, punctuation, accents,
   combining marks, Greek/Cyrillic, CJK, Hangul, emoji, format/control characters and any plane. */
function fuzzTexts(n, seed) {
  let st = seed >>> 0;
  const rnd = () => { /* mulberry32 */
    st = (st + 0x6D2B79F5) >>> 0;
    let t = st;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ri = k => Math.floor(rnd() * k);
  const anyCp = lim => { let c; do { c = ri(lim); } while ((c >= 0xD800 && c < 0xE000) || c === 0 || c === 9 || c === 10); return c; };
  const pools = [
    () => String.fromCharCode(97 + ri(26)), () => ' ', () => 'the ', () => 'un', () => '##', () => '[SEP]', () => '[MASK]',
    () => 'A', () => String.fromCodePoint(0x21 + ri(94)), () => String.fromCodePoint(0xC0 + ri(0x200)),
    () => String.fromCodePoint(0x300 + ri(0x70)), () => String.fromCodePoint(0x370 + ri(0x500)),
    () => String.fromCodePoint(0x4E00 + ri(0x5000)), () => String.fromCodePoint(0xAC00 + ri(11172)),
    () => String.fromCodePoint(0x1F300 + ri(0x300)), () => String.fromCodePoint(anyCp(0x110000)),
    () => String.fromCodePoint(anyCp(0x10000)),
    () => String.fromCodePoint([0x200b, 0x200d, 0xfeff, 0xad, 0x85, 0xa0, 0x3000, 0x2028, 13, 11, 12, 0x7f, 1, 0xfffd][ri(14)]),
  ];
  const out = [];
  for (let i = 0; i < n; i++) {
    let a = '', b = '';
    for (let k = ri(40); k > 0; k--) a += pools[ri(pools.length)]();
    for (let k = ri(25); k > 0; k--) b += pools[ri(pools.length)]();
    out.push(rnd() < 0.7 ? [a, b] : [a, null]);
  }
  return out;
}
const esc = s => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

async function fuzzFixtures(dataDir) {
  const texts = fuzzTexts(1500, 20261126);
  const out = ['# tokenizer_fuzz.txt - generated by tools/tokenizer_reference.js fixtures: random texts, then per',
               '# vocabulary, max_length and truncation strategy the hashes of HF tokenizers\' encodings',
               '# (as tokenizer_glue.txt; a row HF refuses hashes as the single value 0xFFFFFFFE).',
               `T ${texts.length}`];
  for (const [a, b] of texts) out.push(b === null ? esc(a) : esc(a) + '\t' + esc(b));
  for (const [vname, lower] of [['uncased', true], ['cased', false]]) {
    const tok = makeTokenizer(path.join(dataDir, 'vocab', `bert-base-${vname}.txt`), lower);
    for (const [ml, st] of [[128, 'longest_first'], [16, 'longest_first'], [9, 'longest_first'], [16, 'only_first'],
                            [16, 'only_second'], [9, 'only_first'], [9, 'only_second']]) {
      setTrunc(tok, ml, st);
      let all = 2166136261, packed = '';
      for (const [a, b] of texts) {
        let h;
        try {
          const e = await tok.encode(a, b);
          h = hashEnc(e.getIds(), e.getTypeIds());
        } catch (err) {
          h = Math.imul((2166136261 ^ 0xFFFFFFFE) >>> 0, 16777619) >>> 0;
        }
        all = Math.imul((all ^ h) >>> 0, 16777619) >>> 0;
        const v = h & 0xFFFF;
        packed += B64[v >> 12] + B64[(v >> 6) & 63] + B64[v & 63];
      }
      out.push(`R ${vname} ${ml} ${st} ${all.toString(16)}`);
      out.push(packed);
    }
  }
  return out.join('\n') + '\n';
}

/* Every code point through HF's BertNormalizer (uncased: lowercase + strip accents; cased: neither)
   and BertPreTokenizer ("a" c "a" gives 1, 2 (whitespace) or 3 (punctuation) pieces), hashed per
   block of 4096 code points: checks the Unicode tables of the C side one character at a time. */
function unicodeFixtures() {
  const { bertNormalizer, bertPreTokenizer } = require(path.join(__dirname, 'node_modules', 'tokenizers'));
  const unc = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true });
  const cas = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false });
  const pre = bertPreTokenizer();
  const out = ['# tokenizer_unicode.txt - generated by tools/tokenizer_reference.js fixtures: per block of 4096',
               '# code points (surrogates skipped), FNV-1a over: uncased normalization, 0xFFFFFFFF, cased',
               '# normalization, 0xFFFFFFFF, pre-tokenizer pieces of "a" c "a" (1, 2 or 3), for each code point.'];
  const norm = (nz, cps) => { /* normalize many code points in one call, "|" between them */
    const res = nz.normalizeString(cps.map(c => String.fromCodePoint(c)).join('|')).split('|');
    if (res.length !== cps.length) throw new Error('unexpected "|" in a normalization');
    return res;
  };
  for (let base = 0; base < 0x110000; base += 4096) {
    const cps = [];
    for (let c = base; c < base + 4096; c++) if (c < 0xD800 || c > 0xDFFF) cps.push(c);
    const plain = cps.filter(c => c !== 0x7C);
    const u = norm(unc, plain), k = norm(cas, plain);
    const mu = new Map(), mk = new Map();
    plain.forEach((c, i) => { mu.set(c, u[i]); mk.set(c, k[i]); });
    if (base === 0) { mu.set(0x7C, unc.normalizeString('|')); mk.set(0x7C, cas.normalizeString('|')); }
    let h = 2166136261;
    const step = v => { h = Math.imul((h ^ v) >>> 0, 16777619) >>> 0; };
    for (const c of cps) {
      for (const ch of mu.get(c)) step(ch.codePointAt(0));
      step(0xFFFFFFFF);
      for (const ch of mk.get(c)) step(ch.codePointAt(0));
      step(0xFFFFFFFF);
      step(pre.preTokenizeString('a' + String.fromCodePoint(c) + 'a').length);
    }
    out.push(`${base.toString(16)} ${h.toString(16)}`);
  }
  return out.join('\n') + '\n';
}

async function glueFixtures(dataDir) {
  const out = ['# tokenizer_glue.txt - generated by tools/tokenizer_reference.js fixtures (HF tokenizers ' +
               require(path.join(__dirname, 'node_modules', 'tokenizers', 'package.json')).version + ').',
               '# Per GLUE file, vocabulary and max_length (truncation longest_first): rows, FNV-1a of all',
               '# rows, then one line with 3 base64 characters per row (the low 16 bits of its hash).'];
  for (const [vname, lower] of [['uncased', true], ['cased', false]]) {
    const tok = makeTokenizer(path.join(dataDir, 'vocab', `bert-base-${vname}.txt`), lower);
    for (const [task, file, header, c1, c2] of GLUE) {
      const rows = readGlue(dataDir, task, file, header, c1, c2);
      const mls = (task === 'MRPC' || task === 'RTE') ? [128, 16, 24] : [128, 16];
      for (const ml of mls) {
        setTrunc(tok, ml, 'longest_first');
        const encs = await encodeAll(tok, rows);
        let all = 2166136261, packed = '';
        for (const e of encs) {
          const h = hashEnc(e.getIds(), e.getTypeIds());
          all = Math.imul((all ^ h) >>> 0, 16777619) >>> 0;
          const v = h & 0xFFFF;
          packed += B64[v >> 12] + B64[(v >> 6) & 63] + B64[v & 63];
        }
        out.push(`${task}/${file} ${vname} ${ml} ${rows.length} ${all.toString(16)}`);
        out.push(packed);
      }
    }
  }
  return out.join('\n') + '\n';
}

async function main() {
  const cmd = process.argv[2];
  const o = args(process.argv.slice(3));
  if (cmd === 'encode' || cmd === 'tokenizer_json') {
    const lower = o.do_lower_case === undefined ? true : o.do_lower_case !== '0';
    const vocab = o.vocab || (o.model_name_or_path && path.join(o.model_name_or_path, 'vocab.txt'));
    if (cmd === 'tokenizer_json') { process.stdout.write(JSON.stringify(buildTokenizerJson(vocab, lower), null, 2) + '\n'); return; }
    const tok = makeTokenizer(vocab, lower);
    setTrunc(tok, o.max_seq_length === undefined ? 128 : +o.max_seq_length, o.truncation);
    let input = fs.readFileSync(0, 'utf8');
    const lines = input.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    const encs = await encodeAll(tok, lines.map(splitLine));
    process.stdout.write(encs.map(e => e ? e.getIds().join(' ') + '\t' + e.getTypeIds().join(' ') : 'ERROR').join('\n') +
                         (encs.length ? '\n' : ''));
  } else if (cmd === 'fixtures') {
    const data = o.data || path.join(__dirname, '..', '..', 'shared', 'data');
    const outDir = o.out || path.join(__dirname, '..', 'tests', 'data');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'tokenizer_hard.txt'), await hardFixtures(data));
    fs.writeFileSync(path.join(outDir, 'tokenizer_unicode.txt'), unicodeFixtures());
    fs.writeFileSync(path.join(outDir, 'tokenizer_fuzz.txt'), await fuzzFixtures(data));
    fs.writeFileSync(path.join(outDir, 'tokenizer_glue.txt'), await glueFixtures(data));
  } else if (cmd === 'check_saved') {
    /* DIR/tokenizer.json written by bft_tokenizer_save (tests write build/test_tokenizer_save) must
       load in HF tokenizers and encode like the tokenizer built here from DIR/vocab.txt */
    const dir = process.argv[3];
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    const saved = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    const ref = makeTokenizer(path.join(dir, 'vocab.txt'), cfg.do_lower_case !== false);
    const texts = fuzzTexts(3000, 7).concat(HARD.map(h => [h, null]));
    let bad = 0;
    for (const [ml, st] of [[128, 'longest_first'], [12, 'longest_first']]) {
      setTrunc(saved, ml, st);
      setTrunc(ref, ml, st);
      for (const [a, b] of texts) {
        const x = await saved.encode(a, b), y = await ref.encode(a, b);
        if (x.getIds().join() !== y.getIds().join() || x.getTypeIds().join() !== y.getTypeIds().join()) bad++;
      }
    }
    console.log(`${dir}/tokenizer.json: ${2 * texts.length} encodings, ${bad} differ from the reference`);
    if (bad) process.exit(1);
  } else if (cmd === 'bench') {
    /* this binding's encodeBatch takes single texts only: pairs go through encode() one by one;
       encodeBatch is timed on the 2 x 3,668 sentences as single texts (no per-call overhead) */
    const tok = makeTokenizer(o.vocab, o.do_lower_case !== '0');
    setTrunc(tok, 128, 'longest_first');
    const rows = readGlue(o.data, 'MRPC', 'train.tsv', 1, 3, 4);
    const singles = rows.map(r => r[0]).concat(rows.map(r => r[1]));
    let bestPair = Infinity, bestSingle = Infinity, ntokPair = 0, ntokSingle = 0;
    for (let rep = 0; rep < 5; rep++) {
      let t0 = process.hrtime.bigint(), n = 0;
      for (const [a, b] of rows) n += (await tok.encode(a, b)).getLength();
      bestPair = Math.min(bestPair, Number(process.hrtime.bigint() - t0) / 1e9);
      ntokPair = n;
      t0 = process.hrtime.bigint();
      const encs = await tok.encodeBatch(singles);
      bestSingle = Math.min(bestSingle, Number(process.hrtime.bigint() - t0) / 1e9);
      ntokSingle = encs.reduce((s, e) => s + e.getLength(), 0);
    }
    console.log(`hf_tokenizers pairs (encode per pair, 1 thread): ${rows.length} pairs, ${ntokPair} tokens, ${bestPair.toFixed(4)} s, ` +
                `${(rows.length / bestPair).toFixed(0)} pairs/s, ${(ntokPair / bestPair).toFixed(0)} tokens/s`);
    console.log(`hf_tokenizers singles (encodeBatch, 1 thread): ${singles.length} texts, ${ntokSingle} tokens, ${bestSingle.toFixed(4)} s, ` +
                `${(singles.length / bestSingle).toFixed(0)} texts/s, ${(ntokSingle / bestSingle).toFixed(0)} tokens/s`);
  } else {
    process.stderr.write('usage: node tools/tokenizer_reference.js encode|fixtures|tokenizer_json|bench [options] (see the top of the file)\n');
    process.exit(2);
  }
}
main().catch(e => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
