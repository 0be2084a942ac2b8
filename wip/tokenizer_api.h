/* ------------------------------------------------------------------------------------------ */
/* 2. Tokenizer: BertTokenizerFast (HF tokenizers: BertNormalizer, BertPreTokenizer, WordPiece) */
/* ------------------------------------------------------------------------------------------ */
/* Produces the same input_ids / token_type_ids as AutoTokenizer.from_pretrained("bert-base-...")
   for any UTF-8 text: clean-up, spaces around CJK ideographs, accent stripping (NFD minus Mn) and
   lowercasing when uncased, split on whitespace and punctuation, greedy longest-match WordPiece.
   Special tokens written in the text ("[SEP]", "[MASK]", ...) stay whole, as HF's added tokens do.
   Invalid UTF-8 bytes read as U+FFFD, which the clean-up deletes (never read out of bounds).
   A loaded tokenizer is read-only: one tokenizer may encode from many threads at once. */
typedef struct bft_tokenizer bft_tokenizer;

typedef enum bft_truncation {
    BFT_TRUNC_NONE = 0,          /* error when the encoding is longer than max_length (if > 0) */
    BFT_TRUNC_LONGEST_FIRST = 1, /* HF fast tokenizer's longest_first (ties: second gets the odd token) */
    BFT_TRUNC_ONLY_FIRST = 2,
    BFT_TRUNC_ONLY_SECOND = 3
} bft_truncation;

/* Load a WordPiece vocab.txt (one token per line, id = line number - 1). do_lower_case: 0 or 1, or
   -1 for the default: tokenizer_config.json next to the vocab when present, else 1 (uncased).
   That file's strip_accents, tokenize_chinese_chars, model_max_length and special token names are
   honoured too. Special tokens are found by name ([PAD] [UNK] [CLS] [SEP] [MASK]), never by id. */
BERTFT_DEF bft_result bft_tokenizer_load(bft_tokenizer **out, const char *vocab_path, int do_lower_case);
/* dir/vocab.txt + dir/tokenizer_config.json (when present). */
BERTFT_DEF bft_result bft_tokenizer_from_pretrained(bft_tokenizer **out, const char *dir, int do_lower_case);
BERTFT_DEF void bft_tokenizer_free(bft_tokenizer *t);
/* Write dir/vocab.txt, dir/tokenizer_config.json, dir/special_tokens_map.json and dir/tokenizer.json
   as HF's save_pretrained does (each atomically), so that AutoTokenizer.from_pretrained(dir) loads it. */
BERTFT_DEF bft_result bft_tokenizer_save(const bft_tokenizer *t, const char *dir);

/* Encode one sequence (b == NULL) as [CLS] a [SEP], or a pair as [CLS] a [SEP] b [SEP]
   (token_type_ids 0 then 1; the attention mask is all ones). Texts are UTF-8 of the given byte
   lengths. max_length counts the special tokens; <= 0 means no limit (truncation off).
   Writes *len tokens into ids/type_ids (type_ids may be NULL). If cap is too small, returns
   BFT_ERR_INVALID with *len set to the length needed. */
BERTFT_DEF bft_result bft_tokenizer_encode(const bft_tokenizer *t, const char *a, size_t alen,
                                           const char *b, size_t blen, int max_length,
                                           bft_truncation tr, int32_t *ids, int32_t *type_ids,
                                           int cap, int *len);
/* Encode n NUL-terminated texts (pairs when b != NULL and b[i] != NULL) into `out` (CSR, see
   bft_encoded), like dataset.map(tokenize, batched=True). Parallel with OpenMP; the result does not
   depend on the thread count. Free with bft_encoded_free. */
BERTFT_DEF bft_result bft_tokenizer_encode_batch(const bft_tokenizer *t, int n, const char *const *a,
                                                 const char *const *b, int max_length,
                                                 bft_truncation tr, bft_encoded *out);
/* WordPiece tokens of a text (no special tokens added, no truncation): the ids, for inspection. */
BERTFT_DEF bft_result bft_tokenizer_tokenize(const bft_tokenizer *t, const char *text, size_t len,
                                             int32_t *ids, int cap, int *n);

BERTFT_DEF int bft_tokenizer_vocab_size(const bft_tokenizer *t);
/* Token string of `id` ("" when out of range). */
BERTFT_DEF const char *bft_tokenizer_id_to_token(const bft_tokenizer *t, int id);
/* Id of an exact token string, or -1. */
BERTFT_DEF int bft_tokenizer_token_to_id(const bft_tokenizer *t, const char *token);
BERTFT_DEF int bft_tokenizer_pad_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_unk_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_cls_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_sep_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_mask_id(const bft_tokenizer *t); /* -1 when the vocab has none */
BERTFT_DEF int bft_tokenizer_do_lower_case(const bft_tokenizer *t);
/* tokenizer_config.json's model_max_length, or 0 when unknown; the setter changes what save writes. */
BERTFT_DEF int bft_tokenizer_model_max_length(const bft_tokenizer *t);
BERTFT_DEF void bft_tokenizer_set_model_max_length(bft_tokenizer *t, int n);
