/* Entry point of every test program: align the stack, call tb_main, exit with its result. */
    .text
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp
    and $-16, %rsp
    call tb_main
    mov %eax, %edi
    mov $60, %eax
    syscall
    hlt
    .size _start, .-_start
    .section .note.GNU-stack,"",@progbits
