/* ./bertft - the command-line program (placeholder while the trainer is built). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>
int main(int argc, char **argv) { (void)argc; (void)argv; printf("bertft %s\n", BERTFT_VERSION); return 0; }
