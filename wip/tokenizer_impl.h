/* wip/tokenizer_impl.h: placeholder, merged into bertft.h when done */
