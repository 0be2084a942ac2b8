/* wip/tokenizer_api.h: placeholder, merged into bertft.h when done */
