//! The System V AMD64 calling convention and the Linux system-call convention.

use crate::{CallConv, SyscallConv};

pub static SYSV: CallConv = CallConv {
    int_args: &["rdi", "rsi", "rdx", "rcx", "r8", "r9"],
    float_args: &[
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
    ],
    int_return: "rax",
    float_return: "xmm0",
    callee_saved: &["rbx", "rbp", "rsp", "r12", "r13", "r14", "r15"],
    stack_pointer: "rsp",
};

pub static LINUX_SYSCALL: SyscallConv = SyscallConv {
    number: "rax",
    args: &["rdi", "rsi", "rdx", "r10", "r8", "r9"],
    result: "rax",
    clobbered: &["rcx", "r11"],
};
