/* tests/tb_reader.h - an independent TensorBoard event-file reader for the tests: its own
   bit-by-bit CRC32C and a minimal protobuf decoder, sharing no code with bertft.h's writer. */
#ifndef BFT_TB_READER_H
#define BFT_TB_READER_H
/* An independent CRC32C, one bit at a time. */
static uint32_t ref_crc32c(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
}
static uint32_t ref_mask(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int pb_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    int s = 0;
    *v = 0;
    while (*p < end && s < 64) {
        unsigned char b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) return 1;
        s += 7;
    }
    return 0;
}

typedef struct tb_ev { double wall; int64_t step; char version[32]; char tag[64]; float value; int has_value; } tb_ev;

/* Decode the fields of a message we care about; returns 0 on malformed input. */
static int pb_decode(const unsigned char *p, const unsigned char *end, int level, tb_ev *ev)
{
    while (p < end) {
        uint64_t key, v;
        int field, wire;
        if (!pb_varint(&p, end, &key)) return 0;
        field = (int)(key >> 3);
        wire = (int)(key & 7);
        if (wire == 0) {
            if (!pb_varint(&p, end, &v)) return 0;
            if (level == 0 && field == 2) ev->step = (int64_t)v;
        } else if (wire == 1) {
            if (end - p < 8) return 0;
            if (level == 0 && field == 1) { uint64_t u = rd64(p); memcpy(&ev->wall, &u, 8); }
            p += 8;
        } else if (wire == 5) {
            if (end - p < 4) return 0;
            if (level == 2 && field == 2) { uint32_t u = rd32(p); memcpy(&ev->value, &u, 4); ev->has_value = 1; }
            p += 4;
        } else if (wire == 2) {
            if (!pb_varint(&p, end, &v) || (uint64_t)(end - p) < v) return 0;
            if (level == 0 && field == 3 && v < sizeof ev->version) { memcpy(ev->version, p, (size_t)v); ev->version[v] = 0; }
            else if (level == 0 && field == 5) { if (!pb_decode(p, p + v, 1, ev)) return 0; }
            else if (level == 1 && field == 1) { if (!pb_decode(p, p + v, 2, ev)) return 0; }
            else if (level == 2 && field == 1 && v < sizeof ev->tag) { memcpy(ev->tag, p, (size_t)v); ev->tag[v] = 0; }
            p += v;
        } else {
            return 0;
        }
    }
    return p == end;
}

/* Read every record: checks framing and both CRCs. Returns the count, -1 on a bad file. */
static int read_events(const char *path, tb_ev *evs, int cap)
{
    char *data;
    size_t len, pos = 0;
    int n = 0;
    if (bft_read_file(path, &data, &len) != BFT_OK) return -1;
    while (pos < len) {
        const unsigned char *p = (const unsigned char *)data + pos;
        uint64_t L;
        if (len - pos < 12) { n = -1; break; }
        L = rd64(p);
        if (rd32(p + 8) != ref_mask(ref_crc32c(p, 8))) { n = -1; break; }
        if (len - pos - 12 < L + 4) { n = -1; break; }
        if (rd32(p + 12 + L) != ref_mask(ref_crc32c(p + 12, (size_t)L))) { n = -1; break; }
        if (n < cap) {
            memset(&evs[n], 0, sizeof evs[n]);
            if (!pb_decode(p + 12, p + 12 + L, 0, &evs[n])) { n = -1; break; }
        }
        n++;
        pos += 12 + (size_t)L + 4;
    }
    bft_free(data);
    return n;
}

#endif
