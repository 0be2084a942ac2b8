/* config.json (bft_config_parse, from memory): any bytes parse or fail cleanly; a config that
   parses and validates is written back (bft_config_to_json) and must parse again to the same. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    bft_config c;
    if (bft_config_parse(&c, (const char *)d, n, "config.json") == BFT_OK) {
        if (bft_config_validate(&c, "config.json") == BFT_OK) {
            char *j = bft_config_to_json(&c);
            bft_config c2;
            if (j) {
                if (bft_config_parse(&c2, j, strlen(j), "written") != BFT_OK) {
                    fprintf(stderr, "config written by bft_config_to_json does not parse: %s\n%s\n", bft_last_error(), j);
                    abort();
                }
                if (c2.hidden_size != c.hidden_size || c2.num_hidden_layers != c.num_hidden_layers ||
                    c2.vocab_size != c.vocab_size || c2.num_labels != c.num_labels) {
                    fprintf(stderr, "config changed on a round trip:\n%s\n", j);
                    abort();
                }
                bft_config_free(&c2);
                bft_free(j);
            }
        }
        bft_config_free(&c);
    }
    return 0;
}
