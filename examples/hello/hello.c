/* A small freestanding program: reads a line, checksums it, writes the result. */
typedef unsigned long size_t;

static long sys3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static unsigned checksum(const unsigned char *p, size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static size_t hex(unsigned v, char *out) {
    const char *digits = "0123456789abcdef";
    for (int i = 7; i >= 0; i--) {
        out[7 - i] = digits[(v >> (4 * i)) & 15];
    }
    out[8] = '\n';
    return 9;
}

void _start(void) {
    unsigned char buf[64];
    char out[9];
    long n = sys3(0, 0, (long)buf, sizeof buf);
    if (n < 0) n = 0;
    unsigned h = checksum(buf, (size_t)n);
    sys3(1, 1, (long)out, (long)hex(h, out));
    sys3(60, (long)(h & 0x7f), 0, 0);
    for (;;) {}
}
