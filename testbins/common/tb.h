/* Freestanding support for the test programs: raw Linux x86-64 system calls, no libc. */
#ifndef TB_H
#define TB_H

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char i8;
typedef int i32;
typedef long i64;

/* Globals in this section are observable: every store to them is compared (PATE style).
   Declare them volatile as well, so that gcc emits every store, in program order and with its
   declared width, at -O0 and -O2 alike. */
#define OUTPUT __attribute__((section(".output")))
#define NOINLINE __attribute__((noinline))

static inline long tb_syscall3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return r;
}

static inline long tb_read(int fd, void *buf, size_t n) { return tb_syscall3(0, fd, (long)buf, (long)n); }
static inline long tb_write(int fd, const void *buf, size_t n) { return tb_syscall3(1, fd, (long)buf, (long)n); }

__attribute__((noreturn)) static inline void tb_exit(int status) {
    tb_syscall3(60, status, 0, 0);
    __builtin_unreachable();
}

/* Reads at most n bytes from fd 0; a failed read counts as end of input (0 bytes). */
static inline long tb_input(void *buf, size_t n) {
    long r = tb_read(0, buf, n);
    return r < 0 ? 0 : r;
}

/* Write a value to fd 1 as 1, 2 or 4 little-endian bytes. */
static inline void tb_put_u8(u8 v) { tb_write(1, &v, 1); }
static inline void tb_put_u16(u16 v) { tb_write(1, &v, 2); }
static inline void tb_put_u32(u32 v) { tb_write(1, &v, 4); }

/* Bump allocator over a static arena: 16-byte aligned blocks, never freed. Running out exits
   with status 120 (no null result, so no unchecked null dereference for gcc to turn into a trap).
   Only compiled into programs that define TB_HEAP before including this file. */
#ifdef TB_HEAP
#define TB_ARENA_SIZE 4096
static u8 tb_arena[TB_ARENA_SIZE] __attribute__((aligned(16)));
static size_t tb_arena_used;

static inline void *tb_alloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (n > TB_ARENA_SIZE - tb_arena_used)
        tb_exit(120);
    void *p = tb_arena + tb_arena_used;
    tb_arena_used += n;
    return p;
}
#endif

#endif
