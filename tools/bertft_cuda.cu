/* bertft-cuda: the ./bertft command line with `--device cuda` (or cuda:N) running every training
   and evaluation step on an NVIDIA GPU through bertft_cuda.h. Everything else (arguments, data,
   tokenizer, trainer, checkpoints, logs) is tools/cli.c, compiled here as CUDA C++ with a device
   hook, so the two programs cannot drift apart.

     make cuda       (nvcc -O2 ... tools/bertft_cuda.cu -lcublas -o bertft-cuda)
     ./bertft-cuda --model_name_or_path DIR --task_name mrpc --do_train --do_eval --device cuda ...

   --device cuda-emulate runs the device path on the host with the kernels' reference functions
   (slow; for checking the program end to end on a machine without a GPU). --bf16, or
   BERTFT_CUDA_MATH=bf16 in the environment, runs the matrix products on bf16 tensor cores;
   BERTFT_CUDA_MATH=fp32 runs them in exact fp32; the default is TF32.

   Include order matters: bertft.h's implementation first (bertft_cuda.h reuses its private
   helpers), then bertft_cuda.h's, then cli.c (which includes bertft.h again: a no-op). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#define BERTFT_CUDA_IMPLEMENTATION
#include "../bertft_cuda.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bft_device bft_cli_cuda_dev;
static int bft_cli_cuda_open_now;

/* "cuda", "cuda:N" or "cuda-emulate" -> a device for `m`, or NULL with bft_last_error() set */
static const bft_device *bft_cli_cuda_open(const char *name, bft_model *m, int bf16)
{
    int gpu = 0;
    if (!strcmp(name, "cuda-emulate")) gpu = BFT_CUDA_EMULATE;
    else if (!strncmp(name, "cuda:", 5) && name[5] >= '0' && name[5] <= '9') gpu = atoi(name + 5);
    else if (strcmp(name, "cuda") != 0) {
        bft__fail(BFT_ERR_INVALID, "unknown device '%s' (expected cpu, cuda, cuda:N or cuda-emulate)", name);
        return NULL;
    }
    if (bft_cuda_device_create(&bft_cli_cuda_dev, m, NULL, gpu) != BFT_OK) return NULL;
    bft_cli_cuda_open_now = 1;
    if (bf16 && bft_cuda_set_math(&bft_cli_cuda_dev, BFT_CUDA_MATH_BF16) != BFT_OK) return NULL;
    {
        const char *math = bf16 ? "bf16" : getenv("BERTFT_CUDA_MATH");
        fprintf(stderr, "device: %s%s\n", bft_cli_cuda_dev.name,
                gpu == BFT_CUDA_EMULATE                ? ""
                : math && !strcmp(math, "fp32") ? ", FP32 matrix products"
                : math && !strcmp(math, "bf16") ? ", BF16 tensor-core matrix products (fp32 accumulation)"
                                                : ", TF32 tensor-core matrix products");
    }
    return &bft_cli_cuda_dev;
}

static void bft_cli_cuda_close(void)
{
    if (bft_cli_cuda_open_now) bft_cuda_device_free(&bft_cli_cuda_dev);
    bft_cli_cuda_open_now = 0;
}

/* the hook tools/cli.c looks for (see its run()) */
#define BFT_CLI_DEVICE_OPEN(name, model, bf16) bft_cli_cuda_open(name, model, bf16)
#define BFT_CLI_DEVICE_CLOSE() bft_cli_cuda_close()

#include "cli.c"
